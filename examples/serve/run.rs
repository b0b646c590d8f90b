//! Starting and stopping the server: [`serve`] runs it on the caller's
//! runtime until a shutdown signal (the example's `main`, Ctrl-C);
//! [`Background`] runs it on its own runtime and thread, for the test and
//! the load run, which drive it from ordinary threads.

use super::model::LeNet;
use super::routes::router;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// Serves `model` on `listener` until `shutdown` completes, then answers the
/// requests already received and returns (axum's graceful shutdown).
///
/// ```ignore
/// serve(listener, model, async { let _ = tokio::signal::ctrl_c().await; }).await?;
/// ```
pub async fn serve(
    listener: TcpListener,
    model: Arc<LeNet>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    axum::serve(listener, router(model))
        .with_graceful_shutdown(shutdown)
        .await
}

/// A server on its own multi-threaded runtime in a background thread;
/// dropping it stops the server and waits for it.
pub struct Background {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl Background {
    /// Binds `addr` (port 0 picks a free one, see [`Background::addr`]) and
    /// starts serving; an address that cannot be bound is an error here,
    /// before any request.
    ///
    /// ```ignore
    /// let server = Background::start(model, "127.0.0.1:0".parse()?)?;
    /// let url = server.url("/predict");
    /// ```
    pub fn start(model: Arc<LeNet>, addr: SocketAddr) -> io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind(addr))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(serve(listener, model, async {
                // A dropped sender stops the server too.
                let _ = stopped.await;
            }))
        });
        Ok(Background {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Stops the server after the requests in flight and returns how it
    /// ended.
    pub fn stop(mut self) -> io::Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(|thread| thread.join()) {
            Some(Ok(ended)) => ended,
            Some(Err(_)) => Err(io::Error::other("the server's thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}
