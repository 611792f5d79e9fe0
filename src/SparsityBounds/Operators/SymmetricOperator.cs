using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Operators;

/// <summary>
/// Operator algebra and utilities: scaling, shifting, sums, restriction to a coordinate mask, counting
/// applications, and dense materialisation for checks. Every result is itself an <see cref="ISymmetricOperator"/>.
/// </summary>
public static class SymmetricOperator
{
    /// <summary>c·A.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="factor"/> is NaN or infinite.</exception>
    public static ISymmetricOperator Scale(this ISymmetricOperator op, double factor)
    {
        ArgumentNullException.ThrowIfNull(op);
        Preconditions.CheckFinite(factor);
        return new ScaledOperator(op, factor, 0.0);
    }

    /// <summary>A + σI (eigenvalues shift by σ).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="shift"/> is NaN or infinite.</exception>
    public static ISymmetricOperator Shift(this ISymmetricOperator op, double shift)
    {
        ArgumentNullException.ThrowIfNull(op);
        Preconditions.CheckFinite(shift);
        return new ScaledOperator(op, 1.0, shift);
    }

    /// <summary>A + B.</summary>
    /// <exception cref="ArgumentNullException">An operand is null.</exception>
    /// <exception cref="ArgumentException">The dimensions differ.</exception>
    public static ISymmetricOperator Add(this ISymmetricOperator first, ISymmetricOperator second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Dimension != second.Dimension)
            throw new ArgumentException($"second has dimension {second.Dimension}; first has {first.Dimension}.", nameof(second));
        return new SumOperator(first, second);
    }

    /// <summary>
    /// The restriction P A P with P = diag(mask): inputs outside the mask are treated as zero and outputs
    /// outside the mask are set to zero. On the kept coordinates T it acts as the principal block A_TT.
    /// </summary>
    /// <param name="op">The operator A.</param>
    /// <param name="mask">true for kept coordinates; length D.</param>
    /// <exception cref="ArgumentException">The mask's length differs from the dimension.</exception>
    public static ISymmetricOperator Restrict(this ISymmetricOperator op, ReadOnlySpan<bool> mask)
    {
        ArgumentNullException.ThrowIfNull(op);
        Preconditions.CheckLength(mask.Length, op.Dimension, nameof(mask), "the operator's dimension");
        return new RestrictedOperator(op, mask.ToArray());
    }

    /// <summary>Wraps <paramref name="op"/> so every <see cref="ISymmetricOperator.Apply"/> is counted.</summary>
    public static CountingOperator Counting(this ISymmetricOperator op) => new(op);

    /// <summary>The dense matrix of the operator, column by column (D applications). For checks and small D.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    public static double[,] ToDenseMatrix(this ISymmetricOperator op) => ToDenseMatrix(op, CancellationToken.None);

    /// <summary>As <see cref="ToDenseMatrix(ISymmetricOperator)"/>, checking <paramref name="cancellationToken"/> between products.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static double[,] ToDenseMatrix(this ISymmetricOperator op, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(op);
        int n = op.Dimension;
        var a = new double[n, n];
        var e = new double[n];
        var column = new double[n];
        for (int j = 0; j < n; j++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            e[j] = 1.0;
            op.Apply(e, column);
            e[j] = 0.0;
            for (int i = 0; i < n; i++) a[i, j] = column[i];
        }
        return a;
    }

    /// <summary>
    /// Largest relative symmetry defect |uᵀ(Av) − vᵀ(Au)| / (‖u‖‖Av‖ + ‖v‖‖Au‖) over <paramref name="trials"/> pairs of
    /// seeded Gaussian vectors: about 1e-16 for an exactly symmetric operator, larger for a wrong callback.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="trials"/> &lt; 1.</exception>
    public static double SymmetryDefect(this ISymmetricOperator op, int trials = 3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(op);
        Preconditions.CheckPositive(trials);
        int n = op.Dimension;
        var u = new double[n]; var v = new double[n]; var au = new double[n]; var av = new double[n];
        double worst = 0;
        for (int t = 0; t < trials; t++)
        {
            CounterRandom.FillGaussian(seed, 2 * t, u);
            CounterRandom.FillGaussian(seed, 2 * t + 1, v);
            op.Apply(u, au);
            op.Apply(v, av);
            double a = VectorKernels.Dot(u, av), b = VectorKernels.Dot(v, au);
            double scale = VectorKernels.Norm(u) * VectorKernels.Norm(av) + VectorKernels.Norm(v) * VectorKernels.Norm(au);
            if (scale > 0) worst = Math.Max(worst, Math.Abs(a - b) / scale);
        }
        return worst;
    }

    private sealed class ScaledOperator(ISymmetricOperator inner, double factor, double shift) : ISymmetricOperator
    {
        public int Dimension => inner.Dimension;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            Preconditions.CheckOperatorSpans(Dimension, x, y);
            inner.Apply(x, y);
            if (shift == 0.0) { if (factor != 1.0) VectorKernels.Scale(factor, y, y); }
            else VectorKernels.ScaledSum(factor, y, shift, x, y);
        }
    }

    private sealed class SumOperator(ISymmetricOperator first, ISymmetricOperator second) : ISymmetricOperator
    {
        private readonly double[] _scratch = new double[first.Dimension];

        public int Dimension => first.Dimension;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            Preconditions.CheckOperatorSpans(Dimension, x, y);
            first.Apply(x, y);
            second.Apply(x, _scratch);
            VectorKernels.Axpy(1.0, _scratch, y);
        }
    }

    private sealed class RestrictedOperator(ISymmetricOperator inner, bool[] mask) : ISymmetricOperator
    {
        private readonly double[] _masked = new double[inner.Dimension];

        public int Dimension => inner.Dimension;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            Preconditions.CheckOperatorSpans(Dimension, x, y);
            for (int i = 0; i < mask.Length; i++) _masked[i] = mask[i] ? x[i] : 0.0;
            inner.Apply(_masked, y);
            for (int i = 0; i < mask.Length; i++) if (!mask[i]) y[i] = 0.0;
        }
    }
}

/// <summary>An operator wrapper that counts applications (for diagnostics and budgets).</summary>
/// <remarks>Thread safety: the count is updated atomically; the inner operator's own rules apply.</remarks>
public sealed class CountingOperator : ISymmetricOperator
{
    private readonly ISymmetricOperator _inner;
    private long _applications;

    /// <summary>Counts the applications of <paramref name="inner"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="inner"/> is null.</exception>
    public CountingOperator(ISymmetricOperator inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc />
    public int Dimension => _inner.Dimension;

    /// <summary>Applications so far.</summary>
    public long Applications => Interlocked.Read(ref _applications);

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        _inner.Apply(x, y);
        Interlocked.Increment(ref _applications);
    }
}
