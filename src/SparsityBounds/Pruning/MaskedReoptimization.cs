using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Pruning;

/// <summary>Computes f(w) and writes ∇f(w) into <paramref name="gradient"/> (for example <c>MlpObjective.Gradient</c>).</summary>
/// <param name="point">Where to evaluate.</param>
/// <param name="gradient">Receives the gradient; same length.</param>
/// <returns>f(point).</returns>
public delegate double ValueAndGradient(ReadOnlySpan<double> point, Span<double> gradient);

/// <summary>Options of <see cref="MaskedReoptimization"/> (limited-memory BFGS on the kept coordinates).</summary>
public sealed record ReoptimizationOptions
{
    /// <summary>Maximum L-BFGS iterations per support. Default 100: a bounded "fine-tuning" budget.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Stored curvature pairs. Default 10 (Nocedal &amp; Wright, Numerical Optimization, §7.2: 3–20 work well).</summary>
    public int Memory { get; init; } = 10;

    /// <summary>Stop when ‖∇_T f‖∞ ≤ this. Default 1e-6.</summary>
    public double GradientTolerance { get; init; } = 1e-6;

    /// <summary>Defaults: 100 iterations, memory 10, tolerance 1e-6.</summary>
    public static ReoptimizationOptions Default { get; } = new();

    internal void Validate()
    {
        Preconditions.CheckPositive(MaxIterations, nameof(MaxIterations));
        Preconditions.CheckPositive(Memory, nameof(Memory));
        Preconditions.CheckFinitePositive(GradientTolerance, nameof(GradientTolerance));
    }
}

/// <summary>The outcome of re-optimising the kept weights on a fixed mask.</summary>
/// <param name="Weights">The final weights (pruned coordinates exactly 0).</param>
/// <param name="InitialValue">f at the start (the plain magnitude-pruned point).</param>
/// <param name="Value">f at the end (never above <paramref name="InitialValue"/>).</param>
/// <param name="Iterations">L-BFGS iterations.</param>
/// <param name="Evaluations">Value-and-gradient evaluations.</param>
/// <param name="Converged">The gradient tolerance was met within the budget.</param>
public sealed record ReoptimizationResult(double[] Weights, double InitialValue, double Value, int Iterations, int Evaluations, bool Converged);

/// <summary>
/// Re-optimises the kept weights of a pruned network with the mask fixed (pruned weights stay exactly 0): what a
/// practitioner's fine-tuning after pruning does, with a bounded budget. Limited-memory BFGS (Liu &amp; Nocedal 1989) with an
/// Armijo backtracking line search, restricted to the kept coordinates.
/// </summary>
public static class MaskedReoptimization
{
    /// <summary>Minimises f over {w : w_i = 0 where <paramref name="keep"/> is false}, starting from the masked <paramref name="start"/>.</summary>
    /// <param name="objective">f and its gradient.</param>
    /// <param name="start">Starting weights (the masked-out entries are set to 0 first).</param>
    /// <param name="keep">Kept coordinates.</param>
    /// <param name="options">Budget; null uses defaults.</param>
    /// <param name="cancellationToken">Checked every iteration.</param>
    /// <exception cref="ArgumentException">Length mismatch, non-finite start, bad options, or f not finite at the start.</exception>
    public static ReoptimizationResult Minimize(ValueAndGradient objective, ReadOnlySpan<double> start, ReadOnlySpan<bool> keep,
        ReoptimizationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        options ??= ReoptimizationOptions.Default;
        options.Validate();
        Preconditions.CheckNotEmpty(start.Length, nameof(start));
        Preconditions.CheckAllFinite(start, nameof(start));
        Preconditions.CheckLength(keep.Length, start.Length, nameof(keep), "one flag per weight");
        int n = start.Length, m = options.Memory;
        bool[] mask = keep.ToArray();
        var x = new double[n];
        for (int i = 0; i < n; i++) x[i] = mask[i] ? start[i] : 0.0;
        var g = new double[n];
        double f = objective(x, g);
        int evaluations = 1;
        if (!double.IsFinite(f)) throw new ArgumentException($"the objective is {Preconditions.Format(f)} at the starting point.", nameof(objective));
        Project(g, mask);
        double initial = f;

        var s = new double[m][]; var y = new double[m][]; var rho = new double[m]; var alphaHistory = new double[m];
        for (int k = 0; k < m; k++) { s[k] = new double[n]; y[k] = new double[n]; }
        var d = new double[n]; var xNew = new double[n]; var gNew = new double[n];
        int stored = 0, head = 0, iterations = 0;
        bool converged = MaxAbs(g) <= options.GradientTolerance;
        while (!converged && iterations < options.MaxIterations)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Two-loop recursion: d = −H_k g.
            g.CopyTo(d, 0);
            for (int j = 0; j < stored; j++)
            {
                int k = (head - 1 - j + m) % m;
                alphaHistory[k] = rho[k] * VectorKernels.Dot(s[k], d);
                VectorKernels.Axpy(-alphaHistory[k], y[k], d);
            }
            if (stored > 0)
            {
                int last = (head - 1 + m) % m;
                VectorKernels.Scale(VectorKernels.Dot(s[last], y[last]) / VectorKernels.Dot(y[last], y[last]), d, d);
            }
            for (int j = stored - 1; j >= 0; j--)
            {
                int k = (head - 1 - j + m) % m;
                double beta = rho[k] * VectorKernels.Dot(y[k], d);
                VectorKernels.Axpy(alphaHistory[k] - beta, s[k], d);
            }
            VectorKernels.Scale(-1.0, d, d);
            double slope = VectorKernels.Dot(g, d);
            if (slope >= 0)
            {
                // Not a descent direction (curvature pairs went stale): restart from steepest descent.
                VectorKernels.Scale(-1.0, g, d);
                slope = VectorKernels.Dot(g, d);
                stored = 0;
            }
            double step = stored == 0 ? Math.Min(1.0, 1.0 / Math.Max(1e-300, Math.Sqrt(VectorKernels.Dot(g, g)))) : 1.0;
            double fNew = double.NaN;
            bool accepted = false;
            for (int ls = 0; ls < 40; ls++)
            {
                VectorKernels.ScaledSum(1.0, x, step, d, xNew);
                fNew = objective(xNew, gNew);
                evaluations++;
                if (double.IsFinite(fNew) && fNew < f && fNew <= f + 1e-4 * step * slope) { accepted = true; break; }
                step *= 0.5;
            }
            if (!accepted) break; // no strict decrease left at machine precision: stop where we are
            Project(gNew, mask);
            for (int i = 0; i < n; i++) { s[head][i] = xNew[i] - x[i]; y[head][i] = gNew[i] - g[i]; }
            double sy = VectorKernels.Dot(s[head], y[head]);
            if (sy > 1e-12 * Math.Sqrt(VectorKernels.Dot(s[head], s[head]) * VectorKernels.Dot(y[head], y[head])))
            {
                rho[head] = 1.0 / sy;
                head = (head + 1) % m;
                stored = Math.Min(stored + 1, m);
            }
            (x, xNew) = (xNew, x);
            (g, gNew) = (gNew, g);
            f = fNew;
            iterations++;
            converged = MaxAbs(g) <= options.GradientTolerance;
        }
        return new ReoptimizationResult(x, initial, f, iterations, evaluations, converged);
    }

    private static void Project(Span<double> g, bool[] mask)
    {
        for (int i = 0; i < g.Length; i++) if (!mask[i]) g[i] = 0.0;
    }

    private static double MaxAbs(ReadOnlySpan<double> v)
    {
        double m = 0;
        foreach (double a in v) m = Math.Max(m, Math.Abs(a));
        return m;
    }
}
