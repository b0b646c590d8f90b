//! What a backward rule reads of its forward pass: PyTorch's saved tensors.
//!
//! PyTorch's autograd saves, per op, only the tensors its derivative needs
//! (`mul` saves both operands, `add` saves none), and checks exactly those
//! against in-place changes, and frees exactly those after `backward()`.
//! A Kiln rule receives every input and the output, so it declares which of
//! them it actually reads with [`Backward::saved`](super::Backward::saved);
//! the engine checks and frees according to that declaration.

/// The values a [`Backward`](super::Backward) rule reads when it runs:
/// which inputs' values, whether the output's values, and whether values
/// the forward computed and the rule keeps itself (a dropout mask, argmax
/// indices, normalised activations).
///
/// Shapes are not values: a rule that only reads `ctx.inputs[i].numel()`
/// or `shape()` does not read input `i`.
///
/// A rule that reads nothing ([`Saved::NOTHING`], as `add`, `sum` and
/// `reshape`) keeps its graph node usable after `backward()` and accepts
/// in-place changes of its inputs, as in PyTorch; any other rule is released
/// by a `backward()` that does not retain the graph, and its declared
/// inputs and output must not change in place between the forward and the
/// backward.
///
/// ```
/// use nncore::autograd::Saved;
/// // Linear's rule reads its input and its weight, not its bias.
/// let linear = Saved::NOTHING.input(0).input(1);
/// assert!(linear.reads_input(1) && !linear.reads_input(2) && !linear.reads_output());
/// assert!(Saved::ALL.reads_input(7) && Saved::ALL.reads_output());
/// assert!(Saved::NOTHING.is_nothing() && !Saved::NOTHING.buffers().is_nothing());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Saved {
    /// Bit `i`: reads input `i`; inputs past bit 31 are read only under
    /// [`Saved::ALL`].
    inputs: u32,
    output: bool,
    buffers: bool,
}

impl Saved {
    /// Every input, the output and buffers of its own: the default, right
    /// for any rule (it may only refuse more than needed).
    pub const ALL: Saved = Saved {
        inputs: u32::MAX,
        output: true,
        buffers: true,
    };

    /// Nothing: the gradient follows from the output gradient and sizes.
    pub const NOTHING: Saved = Saved {
        inputs: 0,
        output: false,
        buffers: false,
    };

    /// Also reads the values of input `index`.
    pub const fn input(self, index: usize) -> Saved {
        let bit = if index < 32 { 1 << index } else { 0 };
        Saved {
            inputs: self.inputs | bit,
            ..self
        }
    }

    /// Also reads the op's output values (`BackwardContext::output`).
    pub const fn output(self) -> Saved {
        Saved {
            output: true,
            ..self
        }
    }

    /// Also keeps values of its own computed by the forward, which
    /// [`Backward::release`](super::Backward::release) frees.
    pub const fn buffers(self) -> Saved {
        Saved {
            buffers: true,
            ..self
        }
    }

    /// Whether the rule reads the values of input `index`.
    pub const fn reads_input(self, index: usize) -> bool {
        if index >= 32 {
            self.inputs == u32::MAX
        } else {
            self.inputs & (1 << index) != 0
        }
    }

    /// Whether the rule reads the op's output values.
    pub const fn reads_output(self) -> bool {
        self.output
    }

    /// Whether the rule reads nothing a `backward()` could free or an
    /// in-place change could spoil.
    pub const fn is_nothing(self) -> bool {
        self.inputs == 0 && !self.output && !self.buffers
    }
}
