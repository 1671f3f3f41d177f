//! Live heap bytes of the process, counted around the allocator `tenantsim` uses.
use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicIsize, AtomicUsize};

/// The allocator `tenantsim` itself uses (mimalloc), so figures match the product.
static INNER: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Each thread counts into its own cache line, so counting adds no contention to the
/// servers being measured; threads past the last slot share it (with atomic adds).
const SLOTS: usize = 64;
const SHARED: usize = SLOTS - 1;

#[repr(align(128))]
struct Slot(AtomicIsize);

static LIVE: [Slot; SLOTS] = [const { Slot(AtomicIsize::new(0)) }; SLOTS];
static NEXT_SLOT: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static MY_SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
}

fn add(delta: isize) {
    let slot = MY_SLOT
        .try_with(|s| {
            if s.get() == usize::MAX {
                s.set(NEXT_SLOT.fetch_add(1, Relaxed).min(SHARED));
            }
            s.get()
        })
        .unwrap_or(SHARED);
    let counter = &LIVE[slot].0;
    if slot == SHARED {
        counter.fetch_add(delta, Relaxed);
    } else {
        // Only this thread writes this slot; readers just sum.
        counter.store(counter.load(Relaxed) + delta, Relaxed);
    }
}

/// Bytes allocated and not yet freed, over all threads.
pub fn live_bytes() -> usize {
    LIVE.iter().map(|s| s.0.load(Relaxed)).sum::<isize>().max(0) as usize
}

/// The counting allocator.
pub struct Counting;

// SAFETY: every call is forwarded unchanged to the system allocator; only the byte
// counts are recorded on the side, without allocating.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which we pass on.
        let p = unsafe { INNER.alloc(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { INNER.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size() as isize);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from the inner allocator through this wrapper, with this layout.
        unsafe { INNER.dealloc(ptr, layout) };
        add(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        let p = unsafe { INNER.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            add(new_size as isize - layout.size() as isize);
        }
        p
    }
}
