//! What a machine runs on (the client's core, its operation): borrowed from
//! the driver, shared with it, or kept by the machine. A driver in Rust
//! lends them for the length of a call at no cost; a driver that cannot
//! hold a borrow across calls into it (a binding to another language)
//! hands the machine shares instead; a machine that makes its operations
//! as it goes (a session keeper) gives each call its own.

use std::ops::Deref;
use std::sync::Arc;

/// A `T` the machine borrows for `'a` or holds a share of: cheap to
/// duplicate, so a status wait starts each of its calls from it.
///
/// Either way it is `Send` when `T` is `Sync`, as the borrow alone was: a
/// share is only ever made of a `Send + Sync` value, and the trait object
/// says so, so no bound on the machine changes.
pub(crate) enum Lent<'a, T> {
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

impl<'a, T: Send + Sync + 'a> Lent<'a, T> {
    /// A share of `value`.
    pub(crate) fn shared(value: Arc<T>) -> Self {
        Lent::Shared(value)
    }
}

impl<T> Clone for Lent<'_, T> {
    fn clone(&self) -> Self {
        match self {
            Lent::Borrowed(value) => Lent::Borrowed(value),
            Lent::Shared(value) => Lent::Shared(Arc::clone(value)),
        }
    }
}

impl<T> Deref for Lent<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Lent::Borrowed(value) => value,
            Lent::Shared(value) => Lend::lend(&**value),
        }
    }
}

/// A call's operation: lent (borrowed or shared), or kept by the call.
pub(crate) enum Held<'a, T> {
    /// Borrowed or shared.
    Lent(Lent<'a, T>),
    /// The call's own.
    Owned(T),
}

impl<T> Deref for Held<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Held::Lent(value) => value,
            Held::Owned(value) => value,
        }
    }
}
