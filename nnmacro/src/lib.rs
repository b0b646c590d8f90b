//! Kiln's procedural macros.
