//! What a provider handler returns: a response plus who it was for, so the journal can
//! attribute every request to a tenant and a user without re-parsing it.

use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

/// Attribution attached to a response as an extension and read by the journal layer.
#[derive(Debug, Clone, Default)]
pub struct Attribution {
    /// Tenant the request belonged to.
    pub tenant: Option<String>,
    /// User acted as.
    pub subject: Option<String>,
    /// Tenant's virtual time when answered.
    pub at: Option<DateTime<Utc>>,
}

/// A delay to apply to a response, awaited by the server middleware once every lock is
/// released (an injected latency never blocks other requests).
#[derive(Debug, Clone, Copy)]
pub struct Delay(pub std::time::Duration);

/// A response with its attribution.
pub struct Reply {
    response: Response,
    attribution: Attribution,
    delay: Option<Delay>,
}

impl Reply {
    /// A reply not (yet) attributed to a tenant.
    pub fn new(response: impl IntoResponse) -> Self {
        Self { response: response.into_response(), attribution: Attribution::default(), delay: None }
    }

    /// Attributes the reply to a tenant at its virtual time.
    pub fn tenant(mut self, tenant: &str, at: DateTime<Utc>) -> Self {
        self.attribution.tenant = Some(tenant.to_string());
        self.attribution.at = Some(at);
        self
    }

    /// Delays the answer, if set (an injected latency).
    pub fn delayed(mut self, delay: Option<std::time::Duration>) -> Self {
        self.delay = delay.map(Delay);
        self
    }

    /// Names the user the request acted as.
    pub fn subject(mut self, subject: Option<&str>) -> Self {
        self.attribution.subject = subject.map(str::to_string);
        self
    }
}

impl From<Response> for Reply {
    fn from(response: Response) -> Self {
        Reply::new(response)
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = self.response;
        response.extensions_mut().insert(self.attribution);
        if let Some(delay) = self.delay {
            response.extensions_mut().insert(delay);
        }
        response
    }
}
