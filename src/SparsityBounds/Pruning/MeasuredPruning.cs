using SparsityBounds.Numerics;

namespace SparsityBounds.Pruning;

/// <summary>Evaluates a loss at the given weights (for example the training loss of a model).</summary>
/// <param name="weights">All D weights.</param>
/// <returns>The loss value.</returns>
public delegate double LossFunction(ReadOnlySpan<double> weights);

/// <summary>Options of the <see cref="MeasuredPruning"/> sweeps.</summary>
public sealed record MeasuredPruningOptions
{
    /// <summary>Evenly spaced kept fractions evaluated for the curve (≥ 3). Default 51 (steps of 0.02).</summary>
    public int GridPoints { get; init; } = 51;

    /// <summary>Refine the limit between grid points by bisection on k (assumes the loss is monotone there). Default true.</summary>
    public bool Refine { get; init; } = true;

    /// <summary>51 grid points, refined.</summary>
    public static MeasuredPruningOptions Default { get; } = new();

    internal void Validate()
    {
        if (GridPoints < 3) throw new ArgumentOutOfRangeException(nameof(GridPoints), GridPoints, "GridPoints must be >= 3.");
    }
}

/// <summary>The measured pruning limit of a real loss: what one-shot magnitude pruning actually costs.</summary>
public sealed class MeasuredPruningLimit
{
    internal MeasuredPruningLimit() { }

    /// <summary>
    /// Smallest kept fraction ρ = k/D_p with L(w^k) − L(w*) ≤ ε above the largest grid point that violates ε
    /// (refined between grid points by bisection). 1 when even the grid point below 1 violates ε and refinement is off.
    /// </summary>
    public double KeptFraction { get; internal init; }

    /// <summary>The corresponding k.</summary>
    public int KeptCount { get; internal init; }

    /// <summary>L(w*).</summary>
    public double BaseLoss { get; internal init; }

    /// <summary>(ρ, L(w^k) − L(w*)) at every grid point, ρ ascending.</summary>
    public IReadOnlyList<(double KeptFraction, double LossIncrease)> Curve { get; internal init; } = [];

    /// <summary>Loss evaluations spent.</summary>
    public int LossEvaluations { get; internal init; }
}

/// <summary>
/// Measures real pruning: prune by global magnitude, evaluate the loss, no retraining (the paper's one-shot scheme),
/// so predictions can be compared with reality. One loss evaluation per grid point.
/// </summary>
public static class MeasuredPruning
{
    /// <summary>The measured one-shot magnitude-pruning limit of <paramref name="loss"/> at tolerance ε.</summary>
    /// <param name="loss">The loss as a function of all weights.</param>
    /// <param name="weights">Trained weights w* (finite).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="prunable">Which weights may be pruned; empty means all.</param>
    /// <param name="options">Grid and refinement; null uses defaults.</param>
    /// <param name="cancellationToken">Checked between loss evaluations.</param>
    /// <exception cref="ArgumentException">Bad weights, mask, ε ≤ 0 or options; a loss that returns NaN at w*.</exception>
    public static MeasuredPruningLimit OneShotLimit(LossFunction loss, ReadOnlySpan<double> weights, double epsilon,
        ReadOnlySpan<bool> prunable = default, MeasuredPruningOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loss);
        options ??= MeasuredPruningOptions.Default;
        options.Validate();
        Preconditions.CheckFinitePositive(epsilon);
        var profile = new MagnitudeProfile(weights, prunable);
        return OneShotLimit(loss, profile, epsilon, options, cancellationToken);
    }

    /// <summary>As the other overload, reusing a sorted <see cref="MagnitudeProfile"/>.</summary>
    /// <exception cref="ArgumentException">ε ≤ 0 or bad options; a loss that returns NaN at w*.</exception>
    public static MeasuredPruningLimit OneShotLimit(LossFunction loss, MagnitudeProfile profile, double epsilon,
        MeasuredPruningOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(profile);
        options ??= MeasuredPruningOptions.Default;
        options.Validate();
        Preconditions.CheckFinitePositive(epsilon);

        int evaluations = 0;
        var pruned = new double[profile.Count];
        double baseLoss = loss(profile.Weights);
        evaluations++;
        if (!double.IsFinite(baseLoss))
            throw new ArgumentException($"loss returned {Preconditions.Format(baseLoss)} at the trained weights.", nameof(loss));

        double Increase(int k)
        {
            cancellationToken.ThrowIfCancellationRequested();
            profile.Prune(k, pruned);
            evaluations++;
            double value = loss(pruned) - baseLoss;
            return double.IsNaN(value) ? double.PositiveInfinity : value;
        }

        var (limit, curve) = Sweep(profile, epsilon, options, Increase);
        return Result(profile, limit, baseLoss, curve, evaluations);
    }

    /// <summary>
    /// The measured limit when the kept weights are re-optimised on each mask (bounded L-BFGS, pruned weights fixed at 0):
    /// the smallest kept fraction whose re-optimised loss stays within ε of L(w*). What fine-tuning after pruning achieves.
    /// </summary>
    /// <param name="objective">The loss and its gradient (the same loss as the one ε bounds).</param>
    /// <param name="weights">Trained weights w* (finite).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="prunable">Which weights may be pruned; empty means all.</param>
    /// <param name="options">Grid (default 21 points here is plenty: pass GridPoints) and refinement; null uses 21 points.</param>
    /// <param name="reoptimization">L-BFGS budget per mask; null uses defaults.</param>
    /// <param name="cancellationToken">Checked between and inside re-optimisations.</param>
    /// <exception cref="ArgumentException">Bad weights, mask, ε or options; an objective that is not finite at w*.</exception>
    public static MeasuredPruningLimit ReoptimizedLimit(ValueAndGradient objective, ReadOnlySpan<double> weights, double epsilon,
        ReadOnlySpan<bool> prunable = default, MeasuredPruningOptions? options = null, ReoptimizationOptions? reoptimization = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objective);
        options ??= new MeasuredPruningOptions { GridPoints = 21 };
        options.Validate();
        reoptimization ??= ReoptimizationOptions.Default;
        reoptimization.Validate();
        Preconditions.CheckFinitePositive(epsilon);
        var profile = new MagnitudeProfile(weights, prunable);
        var gradient = new double[profile.Count];
        double baseLoss = objective(profile.Weights, gradient);
        int evaluations = 1;
        if (!double.IsFinite(baseLoss))
            throw new ArgumentException($"objective returned {Preconditions.Format(baseLoss)} at the trained weights.", nameof(objective));
        var mask = new bool[profile.Count];

        double Increase(int k)
        {
            cancellationToken.ThrowIfCancellationRequested();
            profile.FillKeepMask(k, mask);
            var r = MaskedReoptimization.Minimize(objective, profile.Weights, mask, reoptimization, cancellationToken);
            evaluations += r.Evaluations;
            double value = r.Value - baseLoss;
            return double.IsNaN(value) ? double.PositiveInfinity : value;
        }

        var (limit, curve) = Sweep(profile, epsilon, options, Increase);
        return Result(profile, limit, baseLoss, curve, evaluations);
    }

    private static MeasuredPruningLimit Result(MagnitudeProfile profile, int limit, double baseLoss, (double, double)[] curve, int evaluations) => new()
    {
        KeptFraction = (double)limit / profile.PrunableCount,
        KeptCount = limit,
        BaseLoss = baseLoss,
        Curve = curve,
        LossEvaluations = evaluations,
    };

    /// <summary>Grid sweep over ρ, then bisection on k above the largest grid point that violates ε.</summary>
    private static (int Limit, (double, double)[] Curve) Sweep(MagnitudeProfile profile, double epsilon, MeasuredPruningOptions options, Func<int, double> increase)
    {
        int points = options.GridPoints;
        var curve = new (double, double)[points];
        var counts = new int[points];
        int lastViolation = -1;
        for (int g = 0; g < points; g++)
        {
            double rho = (double)g / (points - 1);
            counts[g] = profile.KeptCount(rho);
            double value = g == points - 1 ? Math.Min(0.0, increase(counts[g])) : increase(counts[g]);
            curve[g] = (rho, value);
            if (value > epsilon) lastViolation = g;
        }
        if (lastViolation < 0) return (0, curve);
        int infeasible = counts[lastViolation], feasible = counts[lastViolation + 1];
        return (options.Refine ? Bisection.SmallestFeasible(infeasible, feasible, k => increase(k) <= epsilon) : feasible, curve);
    }
}
