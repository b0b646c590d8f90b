//! The client side, shared by `tests/serve.rs` and `examples/serve_load.rs`
//! (the server does not use it): ureq, a blocking HTTP/1.1 client written
//! independently of the server's hyper, each [`Client`] on its own
//! keep-alive connection.

use std::time::Duration;

/// One client of the server: a ureq agent that reports every status as an
/// answer (a 4xx is a reply to read, not a transport error).
pub struct Client {
    agent: ureq::Agent,
    base: String,
}

/// A reply: status, `Content-Type` and `Allow` headers, body.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP status code.
    pub status: u16,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// The `Allow` header, if any (a 405 carries it).
    pub allow: Option<String>,
    /// The body as text.
    pub body: String,
}

impl Client {
    /// A client of the server at `base` (`http://127.0.0.1:PORT`); a request
    /// without a full answer within `timeout` is an error.
    ///
    /// ```ignore
    /// let reply = Client::new(&server.url(""), Duration::from_secs(10)).post("/predict", &png)?;
    /// ```
    pub fn new(base: &str, timeout: Duration) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .build()
            .into();
        Client {
            agent,
            base: base.to_string(),
        }
    }

    /// `POST path` with `body` as `image/png`.
    pub fn post(&self, path: &str, body: &[u8]) -> Result<Reply, ureq::Error> {
        self.send("POST", path, body)
    }

    /// Any method on `path`, with `body` (ignored by methods without one).
    pub fn send(&self, method: &str, path: &str, body: &[u8]) -> Result<Reply, ureq::Error> {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("content-type", "image/png")
            .body(body.to_vec())?;
        let mut response = self.agent.run(request)?;
        let header = |name: &str| {
            let value = response.headers().get(name)?;
            value.to_str().ok().map(str::to_string)
        };
        let (content_type, allow) = (header("content-type"), header("allow"));
        Ok(Reply {
            status: response.status().as_u16(),
            content_type,
            allow,
            body: response.body_mut().read_to_string()?,
        })
    }
}

/// The shipped PNGs `examples/data/digit-0.png` … `digit-9.png`, in order.
pub fn shipped_digits() -> std::io::Result<Vec<Vec<u8>>> {
    (0..10)
        .map(|digit| {
            std::fs::read(format!(
                "{}/examples/data/digit-{digit}.png",
                env!("CARGO_MANIFEST_DIR")
            ))
        })
        .collect()
}
