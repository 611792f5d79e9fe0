namespace SparsityBounds.Operators;

/// <summary>
/// A symmetric operator that can apply itself to several vectors in one pass, sharing the work that does not depend
/// on the vector (for an MLP curvature operator: the cached primal pass and the weight matrices; for a dense matrix:
/// reading the entries).
/// </summary>
/// <remarks>
/// Use it to run several Lanczos or Hutchinson probes in lock step. Each product must equal the one
/// <see cref="ISymmetricOperator.Apply"/> gives for the same vector (implementations here are bitwise equal), and the
/// same no-O(D)-allocation rule holds in steady state (a first call with a larger count may grow internal buffers).
/// </remarks>
public interface IBlockSymmetricOperator : ISymmetricOperator
{
    /// <summary>
    /// Computes y_j = A x_j for <paramref name="count"/> vectors stored one after another: vector j occupies
    /// [j·D, (j + 1)·D) of <paramref name="xs"/> and of <paramref name="ys"/> (D = <see cref="ISymmetricOperator.Dimension"/>).
    /// </summary>
    /// <param name="xs">count · D inputs; must not overlap <paramref name="ys"/>.</param>
    /// <param name="ys">count · D outputs, overwritten.</param>
    /// <param name="count">Number of vectors, ≥ 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="ArgumentException">A length differs from count · D, or the spans overlap.</exception>
    void ApplyMany(ReadOnlySpan<double> xs, Span<double> ys, int count);
}

/// <summary>Argument checks shared by <see cref="IBlockSymmetricOperator.ApplyMany"/> implementations.</summary>
internal static class BlockOperatorChecks
{
    internal static void CheckSpans(int dimension, ReadOnlySpan<double> xs, Span<double> ys, int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be >= 0; got {count}.");
        long expected = (long)count * dimension;
        if (xs.Length != expected)
            throw new ArgumentException($"xs has length {xs.Length}; {count} vectors of dimension {dimension} need {expected}.", nameof(xs));
        if (ys.Length != expected)
            throw new ArgumentException($"ys has length {ys.Length}; {count} vectors of dimension {dimension} need {expected}.", nameof(ys));
        if (xs.Overlaps(ys)) throw new ArgumentException("xs and ys must not overlap.", nameof(ys));
    }
}
