//! The dev server's connection bound: at most [`MAX_CONNECTIONS`] open at
//! once (the rest wait in the kernel's queue); a connection that has not
//! been answered within [`REQUEST_TIMEOUT`] (a request trickled in byte by
//! byte, or never sent) is closed, and so is one idle for [`IDLE_TIMEOUT`]
//! after an answer. A flood of sockets cannot exhaust the editor's machine,
//! and slow clients hold the preview up for seconds, not for ever.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::serve::Listener;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// Far more than the tabs and event streams one editor keeps open.
pub const MAX_CONNECTIONS: usize = 256;
/// How long a new connection has to send a whole request: a browser needs
/// milliseconds on the same machine.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Longer than the live-reload stream's keep-alive interval (15 s), so only
/// connections that are truly idle are closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long connections may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// From accepting a connection to the first byte of its answer.
    pub request: Duration,
    /// Between bytes in either direction, once answered.
    pub idle: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            request: REQUEST_TIMEOUT,
            idle: IDLE_TIMEOUT,
        }
    }
}

/// A TCP listener that accepts only while fewer than `limit` of its
/// connections are open.
pub struct BoundedListener {
    inner: TcpListener,
    permits: Arc<Semaphore>,
    timeouts: Timeouts,
}

impl BoundedListener {
    pub fn new(inner: TcpListener, limit: usize, timeouts: Timeouts) -> Self {
        BoundedListener {
            inner,
            permits: Arc::new(Semaphore::new(limit)),
            timeouts,
        }
    }
}

impl Listener for BoundedListener {
    type Io = BoundedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // Wait for a free slot before accepting, so excess connections queue
        // in the kernel instead of holding file descriptors here.
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let (stream, address) = Listener::accept(&mut self.inner).await;
        let _ = stream.set_nodelay(true);
        let stream = BoundedStream {
            stream,
            _permit: permit,
            idle_timeout: self.timeouts.idle,
            answered: false,
            deadline: Box::pin(tokio::time::sleep(self.timeouts.request)),
        };
        (stream, address)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

/// A connection that gives its slot back when dropped, and fails once its
/// deadline passes: the request timeout until it is first answered, then
/// the idle timeout after each byte in or out.
pub struct BoundedStream {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    idle_timeout: Duration,
    /// Whether any answer has been written yet.
    answered: bool,
    deadline: Pin<Box<Sleep>>,
}

/// Which way bytes moved.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    In,
    Out,
}

impl BoundedStream {
    /// Pass on what the socket said, moving the deadline when it moved data
    /// and failing the connection once the deadline has passed. Until the
    /// first answer, incoming bytes do not move it: a request trickled in
    /// a byte at a time must still arrive within the request timeout.
    fn track<T>(
        &mut self,
        cx: &mut Context<'_>,
        direction: Direction,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match polled {
            Poll::Ready(result) => {
                self.answered |= direction == Direction::Out;
                if self.answered {
                    let deadline = Instant::now() + self.idle_timeout;
                    self.deadline.as_mut().reset(deadline);
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.deadline.as_mut().poll(cx).is_ready() => Poll::Ready(Err(
                io::Error::new(io::ErrorKind::TimedOut, "connection timed out"),
            )),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for BoundedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        this.track(cx, Direction::In, polled)
    }
}

impl AsyncWrite for BoundedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, bytes);
        this.track(cx, Direction::Out, polled)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.track(cx, Direction::Out, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn bounded(limit: usize, timeouts: Timeouts) -> (BoundedListener, SocketAddr) {
        let inner = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = inner.local_addr().unwrap();
        (BoundedListener::new(inner, limit, timeouts), address)
    }

    const SHORT: Timeouts = Timeouts {
        request: Duration::from_millis(300),
        idle: Duration::from_millis(100),
    };

    #[tokio::test]
    async fn a_connection_past_the_limit_waits_until_one_closes() {
        let (mut listener, address) = bounded(2, Timeouts::default()).await;
        let clients: Vec<TcpStream> = connect_many(address, 3).await;
        let first = listener.accept().await.0;
        let _second = listener.accept().await.0;
        let third = tokio::time::timeout(Duration::from_millis(200), listener.accept()).await;
        assert!(
            third.is_err(),
            "a third connection is not accepted while two are open"
        );
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(5), listener.accept()).await;
        assert!(third.is_ok(), "closing one frees its slot");
        drop(clients);
    }

    #[tokio::test]
    async fn a_request_trickled_in_byte_by_byte_is_cut_off() {
        let (mut listener, address) = bounded(1, SHORT).await;
        let mut client = TcpStream::connect(address).await.unwrap();
        let (mut server_side, _) = listener.accept().await;
        let started = Instant::now();
        let mut buffer = [0u8; 8];
        let outcome = loop {
            // Each byte comes well within the idle timeout, yet no request
            // ever completes.
            client.write_all(b"G").await.unwrap();
            match server_side.read(&mut buffer).await {
                Ok(_) => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(error) => break error,
            }
        };
        assert_eq!(outcome.kind(), io::ErrorKind::TimedOut);
        let took = started.elapsed();
        assert!(took >= SHORT.request, "cut off after {took:?}");
    }

    #[tokio::test]
    async fn an_answered_connection_is_closed_when_idle_and_frees_its_slot() {
        let (mut listener, address) = bounded(1, SHORT).await;
        let mut client = TcpStream::connect(address).await.unwrap();
        let (mut server_side, _) = listener.accept().await;
        client.write_all(b"GET / HTTP/1.1\r\n\r\n").await.unwrap();
        let mut buffer = [0u8; 64];
        assert!(server_side.read(&mut buffer).await.unwrap() > 0);
        server_side
            .write_all(b"HTTP/1.1 200 OK\r\n\r\n")
            .await
            .unwrap();
        let started = Instant::now();
        let read = server_side.read(&mut buffer).await;
        assert_eq!(read.unwrap_err().kind(), io::ErrorKind::TimedOut);
        assert!(
            started.elapsed() < SHORT.request,
            "the idle timeout applies once answered"
        );
        drop(server_side);
        let _next = TcpStream::connect(address).await.unwrap();
        let accepted = tokio::time::timeout(Duration::from_secs(5), listener.accept()).await;
        assert!(accepted.is_ok());
    }

    async fn connect_many(address: SocketAddr, count: usize) -> Vec<TcpStream> {
        let mut clients = Vec::new();
        for _ in 0..count {
            clients.push(TcpStream::connect(address).await.unwrap());
        }
        clients
    }
}
