using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Operators;

/// <summary>Computes the gradient of a scalar function at <paramref name="point"/> into <paramref name="gradient"/>.</summary>
/// <param name="point">Where to evaluate.</param>
/// <param name="gradient">Receives ∇f(point); same length.</param>
public delegate void GradientFunction(ReadOnlySpan<double> point, Span<double> gradient);

/// <summary>
/// Hessian-vector products by central differences of a gradient:
/// H v ≈ (∇f(w + h v̂) − ∇f(w − h v̂)) ‖v‖ / (2h), with v̂ = v/‖v‖. Use it when only a gradient is available.
/// </summary>
/// <remarks>
/// <para>Step: h = ε_mach^{1/3} · max(1, ‖w‖_∞) (Nocedal &amp; Wright, "Numerical Optimization", 2nd ed., §8.1:
/// the central-difference error is O(h²‖∇³f‖) truncation plus O(ε_mach ‖∇f‖ / h) rounding, balanced at
/// h ∝ ε_mach^{1/3}). The product is then accurate to about ε_mach^{2/3} ≈ 4e-11 relative to the gradient's
/// scale for smooth f; for an exactly quadratic f the truncation term vanishes and only rounding remains.</para>
/// <para>Cost: two gradient evaluations per product. The result is only approximately symmetric (to the same
/// accuracy). Kinks (ReLU, L1) within h of w break the approximation.</para>
/// <para>Thread safety: uses internal buffers, one thread at a time.</para>
/// </remarks>
public sealed class FiniteDifferenceHessian : ISymmetricOperator
{
    private static readonly double MachineEpsilon = Math.BitIncrement(1.0) - 1.0; // 2^-52
    private readonly GradientFunction _gradient;
    private readonly double[] _point;
    private readonly double[] _shifted;
    private readonly double[] _gradientPlus;
    private readonly double[] _gradientMinus;

    /// <summary>The Hessian of f at <paramref name="point"/>, given ∇f.</summary>
    /// <param name="gradient">Computes ∇f; must be deterministic.</param>
    /// <param name="point">The point w (copied); finite, non-empty.</param>
    /// <param name="step">Step h; default (NaN) uses ε_mach^{1/3} · max(1, ‖w‖_∞).</param>
    /// <exception cref="ArgumentNullException"><paramref name="gradient"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="point"/> is empty or not finite, or <paramref name="step"/> is not positive.</exception>
    public FiniteDifferenceHessian(GradientFunction gradient, ReadOnlySpan<double> point, double step = double.NaN)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        Preconditions.CheckNotEmpty(point.Length, nameof(point));
        Preconditions.CheckAllFinite(point, nameof(point));
        if (!double.IsNaN(step)) Preconditions.CheckFinitePositive(step);
        _gradient = gradient;
        _point = point.ToArray();
        double scale = 1.0;
        foreach (double w in _point) scale = Math.Max(scale, Math.Abs(w));
        Step = double.IsNaN(step) ? Math.Cbrt(MachineEpsilon) * scale : step;
        _shifted = new double[_point.Length];
        _gradientPlus = new double[_point.Length];
        _gradientMinus = new double[_point.Length];
    }

    /// <inheritdoc />
    public int Dimension => _point.Length;

    /// <summary>The difference step h along the unit direction.</summary>
    public double Step { get; }

    /// <summary>Number of gradient evaluations so far (two per product).</summary>
    public long GradientEvaluations { get; private set; }

    /// <inheritdoc />
    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        Preconditions.CheckOperatorSpans(Dimension, x, y);
        double norm = VectorKernels.Norm(x);
        if (norm == 0 || !double.IsFinite(norm))
        {
            if (norm == 0) { y.Clear(); return; }
            throw new ArgumentException("x has a NaN or infinite entry.", nameof(x));
        }
        double h = Step / norm; // step along x itself: w ± h x moves by Step in norm
        VectorKernels.ScaledSum(1.0, _point, h, x, _shifted);
        _gradient(_shifted, _gradientPlus);
        VectorKernels.ScaledSum(1.0, _point, -h, x, _shifted);
        _gradient(_shifted, _gradientMinus);
        GradientEvaluations += 2;
        VectorKernels.ScaledSum(0.5 / h, _gradientPlus, -0.5 / h, _gradientMinus, y);
    }
}
