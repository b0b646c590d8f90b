//! The routes: `POST /predict` with a PNG body answers
//! `{"top3": [{"class": 7, "probability": 0.998}, ...]}`; anything else is a
//! [`Refusal`] in JSON.

use super::model::{LeNet, Scored};
use super::refusal::Refusal;
use super::{digit, model};
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{Method, Uri};
use axum::routing::post;
use axum::{Json, Router};
use std::sync::Arc;

/// The largest body read, in bytes: a 28 × 28 PNG is a few hundred bytes
/// (6 KiB at most uncompressed, RGBA at 16 bits), so 64 KiB leaves room for
/// metadata chunks and refuses uploads of whole photos early.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The answer to a prediction.
#[derive(Debug, serde::Serialize)]
pub struct Answer {
    /// The three most likely classes, most likely first.
    pub top3: [Scored; 3],
}

/// The server's routes over one shared model.
///
/// ```ignore
/// axum::serve(listener, router(Arc::new(model))).await?;
/// ```
pub fn router(model: Arc<LeNet>) -> Router {
    Router::new()
        .route("/predict", post(predict).fallback(method_not_allowed))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(model)
}

/// Decodes the body and runs the model on tokio's blocking pool, so a
/// forward pass (tens of microseconds of arithmetic) never holds up the
/// threads that accept and read connections.
async fn predict(
    State(model): State<Arc<LeNet>>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Answer>, Refusal> {
    let body = body.map_err(refusal_of)?;
    let answer = tokio::task::spawn_blocking(move || {
        digit::pixels(&body).map(|pixels| model::top3(&model, pixels))
    })
    .await
    .map_err(|e| Refusal::Internal(e.to_string()))??;
    Ok(Json(Answer { top3: answer }))
}

/// A body axum could not read: over [`BODY_LIMIT`], or a failed connection.
fn refusal_of(rejection: BytesRejection) -> Refusal {
    match rejection {
        BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
            Refusal::TooLarge { limit: BODY_LIMIT }
        }
        other => Refusal::UnreadableBody(other.body_text()),
    }
}

async fn method_not_allowed(method: Method) -> Refusal {
    Refusal::MethodNotAllowed {
        method: method.to_string(),
    }
}

async fn not_found(method: Method, uri: Uri) -> Refusal {
    Refusal::NotFound {
        method: method.to_string(),
        path: uri.path().to_string(),
    }
}
