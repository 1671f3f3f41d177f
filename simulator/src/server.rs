//! The HTTP server: one router for every provider and the admin API, wrapped in the
//! middleware that strips a `/t/{tenant}` pin and journals every provider request.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::Uri;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::Layer;

use crate::Simulator;
use crate::journal::JournalEntry;
use crate::reply::Attribution;
use crate::tls::TlsIdentity;

/// The tenant a request was pinned to by its `/t/{tenant}` prefix.
#[derive(Debug, Clone)]
pub(crate) struct PinnedTenant(pub String);

fn router(sim: Simulator) -> Router {
    let providers = crate::providers::PROVIDERS.iter().fold(Router::new(), |router, p| router.merge((p.routes)()));
    providers.merge(crate::admin::routes(sim.clone())).fallback(unknown_route).with_state(sim)
}

async fn unknown_route(uri: Uri) -> Response {
    let body = serde_json::json!({
        "error": { "code": 404, "message": format!("The simulator has no route for {}", uri.path()), "status": "NOT_FOUND" }
    });
    (axum::http::StatusCode::NOT_FOUND, axum::Json(body)).into_response()
}

/// The whole app: every route behind the pin-and-journal middleware (HTTP and HTTPS
/// serve exactly this).
fn app(
    sim: Simulator,
) -> impl tower::Service<Request, Response = Response, Error = std::convert::Infallible, Future: Send>
+ Clone
+ Send
+ Sync
+ 'static {
    axum::middleware::from_fn_with_state(sim.clone(), pin_and_journal).layer(router(sim))
}

/// Serves until `shutdown` resolves.
pub(crate) async fn run(
    sim: Simulator,
    listener: TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(sim);
    axum::serve(listener, axum::ServiceExt::<Request>::into_make_service(app)).with_graceful_shutdown(shutdown).await
}

/// Serves the same app over TLS until `shutdown` resolves: each accepted connection is
/// handshaken with rustls, then served HTTP/1.1 by hyper. A failed handshake (a client
/// that does not trust the CA) closes only that connection.
pub(crate) async fn run_tls(
    sim: Simulator,
    listener: TcpListener,
    tls: &TlsIdentity,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(sim);
    // hyper hands over its own body type; the app takes axum's.
    let app =
        tower::ServiceExt::map_request(app, |r: hyper::Request<hyper::body::Incoming>| r.map(axum::body::Body::new));
    let acceptor = tokio_rustls::TlsAcceptor::from(tls.server_config());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, _) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(e) => {
                    tracing::warn!("TLS accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else { return };
            let service = hyper_util::service::TowerToHyperService::new(app);
            let served = hyper::server::conn::http1::Builder::new()
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
            if let Err(e) = served {
                tracing::debug!("TLS connection ended: {e}");
            }
        });
    }
}

/// A server running in a background task; dropping it stops the server.
pub struct RunningServer {
    addr: SocketAddr,
    scheme: &'static str,
    _shutdown: oneshot::Sender<()>,
}

impl RunningServer {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}`, or `https://localhost:{port}` when serving TLS (the name the
    /// certificate carries first).
    pub fn base_url(&self) -> String {
        match self.scheme {
            "https" if self.addr.ip().is_loopback() => format!("https://localhost:{}", self.addr.port()),
            scheme => format!("{scheme}://{}", self.addr),
        }
    }
}

/// Binds `addr` and serves in a background task (over TLS when `tls` is given) until the
/// returned [`RunningServer`] is dropped.
pub(crate) async fn start(
    sim: Simulator,
    addr: SocketAddr,
    tls: Option<TlsIdentity>,
) -> std::io::Result<RunningServer> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    let (tx, rx) = oneshot::channel::<()>();
    tokio::spawn(async move {
        let stop = async move {
            let _ = rx.await;
        };
        let served = match &tls {
            Some(tls) => run_tls(sim, listener, tls, stop).await,
            None => run(sim, listener, stop).await,
        };
        if let Err(e) = served {
            tracing::error!("simulator {scheme} server stopped: {e}");
        }
    });
    Ok(RunningServer { addr, scheme, _shutdown: tx })
}

async fn pin_and_journal(State(sim): State<Simulator>, mut req: Request, next: Next) -> Response {
    let method = req.method().to_string();
    let mut path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().to_string();
    if let Some(rest) = path.strip_prefix("/t/") {
        let (tenant, remainder) = rest.split_once('/').unwrap_or((rest, ""));
        let tenant = tenant.to_string();
        let new_path = format!("/{remainder}");
        let pq = if query.is_empty() { new_path.clone() } else { format!("{new_path}?{query}") };
        let mut parts = req.uri().clone().into_parts();
        match pq.parse() {
            Ok(p) => parts.path_and_query = Some(p),
            Err(_) => return unknown_route(req.uri().clone()).await,
        }
        if let Ok(uri) = Uri::from_parts(parts) {
            *req.uri_mut() = uri;
        }
        req.extensions_mut().insert(PinnedTenant(tenant));
        path = new_path;
    }
    let response = next.run(req).await;
    if let Some(crate::reply::Delay(d)) = response.extensions().get::<crate::reply::Delay>().copied() {
        tokio::time::sleep(d).await;
    }
    if !path.starts_with("/_sim") {
        let who = response.extensions().get::<Attribution>().cloned().unwrap_or_default();
        sim.journal_lock().record(JournalEntry {
            seq: 0,
            tenant: who.tenant,
            at: who.at,
            provider: crate::providers::provider_of(&path).to_string(),
            method,
            path,
            query,
            status: response.status().as_u16(),
            subject: who.subject,
        });
    }
    response
}
