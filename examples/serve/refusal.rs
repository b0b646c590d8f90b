//! Every answer other than a prediction: a status code and a message in
//! JSON, `{"error": "..."}`, so a client can show why its request failed.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Why a request got no prediction.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// A `POST /predict` without a body.
    EmptyBody,
    /// A body longer than the server reads (`limit` bytes).
    TooLarge {
        /// The limit, [`super::routes::BODY_LIMIT`].
        limit: usize,
    },
    /// The connection failed while the body was read.
    UnreadableBody(String),
    /// A body that does not start with PNG's signature.
    NotPng,
    /// A body that starts as a PNG but does not decode (the decoder's words).
    BadPng(String),
    /// A PNG of another size than the model's 28 × 28 input.
    WrongSize {
        /// The image's width in pixels.
        width: u32,
        /// The image's height in pixels.
        height: u32,
    },
    /// A path the server does not serve.
    NotFound {
        /// The request's method.
        method: String,
        /// The request's path.
        path: String,
    },
    /// `/predict` with another method than POST.
    MethodNotAllowed {
        /// The request's method.
        method: String,
    },
    /// The inference task ended without an answer (a bug: it does not panic
    /// on any input).
    Internal(String),
}

impl Refusal {
    /// The HTTP status: 4xx for what the client can fix, 500 for a bug.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::EmptyBody | Refusal::UnreadableBody(_) | Refusal::BadPng(_) => {
                StatusCode::BAD_REQUEST
            }
            Refusal::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::NotPng => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Refusal::WrongSize { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::NotFound { .. } => StatusCode::NOT_FOUND,
            Refusal::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Refusal::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        const SEND: &str = "POST a 28x28 PNG image to /predict";
        match self {
            Refusal::EmptyBody => write!(f, "the body is empty: {SEND}"),
            Refusal::TooLarge { limit } => write!(
                f,
                "the body is larger than {limit} bytes (a 28x28 PNG is a few hundred): {SEND}"
            ),
            Refusal::UnreadableBody(e) => write!(f, "the body could not be read: {e}"),
            Refusal::NotPng => write!(
                f,
                "the body is not a PNG image (it does not start with PNG's signature): {SEND}"
            ),
            Refusal::BadPng(e) => write!(f, "the body is not a readable PNG image: {e}"),
            Refusal::WrongSize { width, height } => write!(
                f,
                "the image is {width}x{height} pixels, the model reads 28x28: resize it first"
            ),
            Refusal::NotFound { method, path } => {
                write!(f, "no route for {method} {path}: {SEND}")
            }
            Refusal::MethodNotAllowed { method } => {
                write!(f, "{method} /predict is not allowed: {SEND}")
            }
            Refusal::Internal(e) => write!(f, "the model gave no answer: {e}"),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.to_string() });
        (self.status(), axum::Json(body)).into_response()
    }
}
