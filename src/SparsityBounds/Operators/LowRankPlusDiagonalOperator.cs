using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Operators;

/// <summary>
/// A = diag(d) + Σ_k s_k u_k u_kᵀ: a diagonal plus a symmetric rank-r update, for example a Hessian model
/// made of a few outlier directions on a diagonal bulk (Papyan 2020; Ghorbani, Krishnan, Xiao 2019).
/// </summary>
/// <remarks>
/// Cost per apply: O(D r) with 2r SIMD passes. The factor vectors are copied at construction.
/// Thread safety: <see cref="Apply"/> uses an internal r-length scratch buffer, so one thread at a time.
/// </remarks>
public sealed class LowRankPlusDiagonalOperator : ISymmetricOperator
{
    private readonly double[] _diagonal;
    private readonly double[][] _factors;
    private readonly double[] _scales;
    private readonly double[] _projections;

    /// <summary>Creates diag(<paramref name="diagonal"/>) + Σ_k scales[k] · factors[k] factors[k]ᵀ.</summary>
    /// <param name="diagonal">The diagonal d, length D ≥ 1, finite.</param>
    /// <param name="factors">The vectors u_k, each of length D, finite (may be empty).</param>
    /// <param name="scales">The signed weights s_k, one per factor, finite.</param>
    /// <exception cref="ArgumentException">Empty diagonal, a length mismatch, or a non-finite value.</exception>
    public LowRankPlusDiagonalOperator(ReadOnlySpan<double> diagonal, IReadOnlyList<double[]> factors, ReadOnlySpan<double> scales)
    {
        ArgumentNullException.ThrowIfNull(factors);
        Preconditions.CheckNotEmpty(diagonal.Length, nameof(diagonal));
        Preconditions.CheckAllFinite(diagonal, nameof(diagonal));
        Preconditions.CheckLength(scales.Length, factors.Count, nameof(scales), "one scale per factor");
        Preconditions.CheckAllFinite(scales, nameof(scales));
        for (int k = 0; k < factors.Count; k++)
        {
            if (factors[k] is null) throw new ArgumentNullException(nameof(factors), $"factors[{k}] is null.");
            Preconditions.CheckLength(factors[k].Length, diagonal.Length, $"{nameof(factors)}[{k}]", "the diagonal's length");
            Preconditions.CheckAllFinite(factors[k], $"{nameof(factors)}[{k}]");
        }
        _diagonal = diagonal.ToArray();
        _factors = factors.Select(f => (double[])f.Clone()).ToArray();
        _scales = scales.ToArray();
        _projections = new double[_factors.Length];
    }

    /// <inheritdoc />
    public int Dimension => _diagonal.Length;

    /// <summary>The rank r of the update.</summary>
    public int Rank => _factors.Length;

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Preconditions.CheckOperatorSpans(Dimension, x, y);
        for (int k = 0; k < _factors.Length; k++) _projections[k] = _scales[k] * VectorKernels.Dot(_factors[k], x);
        System.Numerics.Tensors.TensorPrimitives.Multiply(_diagonal, x, y);
        for (int k = 0; k < _factors.Length; k++) VectorKernels.Axpy(_projections[k], _factors[k], y);
    }
}
