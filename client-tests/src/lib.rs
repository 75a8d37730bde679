//! Hand-written tests of the generated clients live in `tests/`.
