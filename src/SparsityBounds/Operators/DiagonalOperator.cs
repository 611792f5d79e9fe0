using System.Numerics.Tensors;
using SparsityBounds.Numerics;

namespace SparsityBounds.Operators;

/// <summary>The diagonal operator A = diag(d): y_i = d_i x_i. Its eigenvalues are the entries of d.</summary>
/// <remarks>Thread safety: immutable; <see cref="Apply"/> may be called from several threads at once.</remarks>
public sealed class DiagonalOperator : ISymmetricOperator
{
    private readonly double[] _diagonal;

    /// <summary>Creates diag(<paramref name="diagonal"/>); the values are copied.</summary>
    /// <exception cref="ArgumentException">The diagonal is empty or has a NaN or infinite entry.</exception>
    public DiagonalOperator(ReadOnlySpan<double> diagonal)
    {
        Preconditions.CheckNotEmpty(diagonal.Length, nameof(diagonal));
        Preconditions.CheckAllFinite(diagonal, nameof(diagonal));
        _diagonal = diagonal.ToArray();
    }

    /// <inheritdoc />
    public int Dimension => _diagonal.Length;

    /// <summary>The diagonal entries (the eigenvalues).</summary>
    public ReadOnlySpan<double> Diagonal => _diagonal;

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Preconditions.CheckOperatorSpans(Dimension, x, y);
        TensorPrimitives.Multiply(_diagonal, x, y);
    }
}
