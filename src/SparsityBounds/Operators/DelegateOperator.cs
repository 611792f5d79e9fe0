using SparsityBounds.Numerics;

namespace SparsityBounds.Operators;

/// <summary>Computes y = A x for a symmetric operator supplied by the caller; must overwrite all of y.</summary>
/// <param name="x">The input vector.</param>
/// <param name="y">The output vector, same length.</param>
public delegate void OperatorProduct(ReadOnlySpan<double> x, Span<double> y);

/// <summary>
/// Wraps a user's matrix-vector or Hessian-vector product callback (from TorchSharp, a finite-difference
/// routine, an external solver) as an <see cref="ISymmetricOperator"/>.
/// </summary>
/// <remarks>
/// The library trusts the callback to be symmetric and deterministic; <see cref="SymmetricOperator.SymmetryDefect"/>
/// checks symmetry on random vectors. Spans are validated before the callback runs.
/// Thread safety: as the callback's.
/// </remarks>
public sealed class DelegateOperator : ISymmetricOperator
{
    private readonly OperatorProduct _product;

    /// <summary>Wraps <paramref name="product"/> as an operator of the given dimension.</summary>
    /// <param name="dimension">D ≥ 1.</param>
    /// <param name="product">Computes y = A x; must overwrite y entirely.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="product"/> is null.</exception>
    public DelegateOperator(int dimension, OperatorProduct product)
    {
        Preconditions.CheckPositive(dimension);
        ArgumentNullException.ThrowIfNull(product);
        Dimension = dimension;
        _product = product;
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Preconditions.CheckOperatorSpans(Dimension, x, y);
        _product(x, y);
    }
}
