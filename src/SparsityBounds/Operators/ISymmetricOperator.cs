namespace SparsityBounds.Operators;

/// <summary>
/// A symmetric linear operator A : ℝᴰ → ℝᴰ known only through products y = A x: the contract every
/// estimator in this library consumes (Hessians, Gauss–Newton matrices, dense or diagonal matrices, user callbacks).
/// </summary>
/// <remarks>
/// Implementations must be symmetric (uᵀ(Av) = vᵀ(Au)), deterministic (the same x gives bitwise the same y),
/// and must not allocate O(D) memory per call. One instance may be applied from one thread at a time
/// unless its documentation says more.
/// </remarks>
public interface ISymmetricOperator
{
    /// <summary>The dimension D: the length of every input and output vector.</summary>
    int Dimension { get; }

    /// <summary>Computes y = A x, overwriting all of <paramref name="y"/>.</summary>
    /// <param name="x">Input of length <see cref="Dimension"/>; must not overlap <paramref name="y"/>.</param>
    /// <param name="y">Output of length <see cref="Dimension"/>.</param>
    /// <exception cref="ArgumentException">A length differs from <see cref="Dimension"/> or the spans overlap.</exception>
    void Apply(ReadOnlySpan<double> x, Span<double> y);
}
