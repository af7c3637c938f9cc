//! What a machine runs on (the client's core, its operation), either
//! borrowed from the driver or shared with it: a driver in Rust lends them
//! for the length of a call at no cost; a driver that cannot hold a borrow
//! across calls into it (a binding to another language, a handle kept in a
//! table) hands the machine shares of them instead.

use std::ops::Deref;
use std::sync::Arc;

/// A `T` the machine borrows for `'a`, or holds a share of.
///
/// Either way it is `Send` when `T` is `Sync`, as the borrow alone was: a
/// share is only ever made of a `Send + Sync` value, and the trait object
/// says so, so no bound on the machine changes.
pub(crate) enum Held<'a, T> {
    /// Lent by the driver: no allocation, no count.
    Borrowed(&'a T),
    /// Shared with the driver, so the machine may outlive any borrow.
    Shared(Arc<dyn Lend<T> + 'a>),
}

/// A value that lends itself, and may be sent and shared between threads.
pub(crate) trait Lend<T>: Send + Sync {
    /// The value.
    fn lend(&self) -> &T;
}

impl<T: Send + Sync> Lend<T> for T {
    fn lend(&self) -> &T {
        self
    }
}

impl<'a, T: Send + Sync + 'a> Held<'a, T> {
    /// A share of `value`.
    pub(crate) fn shared(value: Arc<T>) -> Self {
        Held::Shared(value)
    }
}

impl<T> Clone for Held<'_, T> {
    fn clone(&self) -> Self {
        match self {
            Held::Borrowed(value) => Held::Borrowed(value),
            Held::Shared(value) => Held::Shared(Arc::clone(value)),
        }
    }
}

impl<T> Deref for Held<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Held::Borrowed(value) => value,
            Held::Shared(value) => Lend::lend(&**value),
        }
    }
}
