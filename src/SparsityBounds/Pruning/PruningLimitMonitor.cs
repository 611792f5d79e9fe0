using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

/// <summary>
/// Re-estimates the pruning limit during training at a bounded cost: call <see cref="ShouldUpdate"/> each epoch (or
/// step) and <see cref="Update"/> when it says so. Every update spends at most <see cref="MaxOperatorApplications"/>
/// Hessian-vector products and keeps the same probe seed, so successive estimates differ by the training, not by noise
/// from fresh random probes (common random numbers).
/// </summary>
/// <example>
/// <code>
/// var monitor = new PruningLimitMonitor(epsilon: 0.01, interval: 5, maxOperatorApplications: 300);
/// for (int epoch = 0; epoch &lt; epochs; epoch++)
/// {
///     trainer.RunEpoch(...);
///     if (monitor.ShouldUpdate(epoch))
///         limits.Add(monitor.Update(epoch, theta, objective.Hessian(theta), cancellationToken: token).KeptFraction);
/// }
/// </code>
/// </example>
/// <remarks>Thread safety: one thread at a time.</remarks>
public sealed class PruningLimitMonitor
{
    private readonly List<(int Step, PhaseTransitionEstimate Estimate)> _history = [];
    private readonly PhaseTransitionOptions _options;

    /// <summary>Creates a monitor.</summary>
    /// <param name="epsilon">Default tolerance ε &gt; 0 (an update may pass its own).</param>
    /// <param name="options">Options; the SLQ steps are capped so probes × steps ≤ the budget. Null uses defaults.</param>
    /// <param name="interval">Update every this many steps (≥ 1). Default 1.</param>
    /// <param name="maxOperatorApplications">HVP budget per update (≥ probes). Default 300: 3 probes × 100 steps, close to
    /// the reference code's single run of ~100 Lanczos steps while still giving a standard error.</param>
    /// <exception cref="ArgumentException">Bad ε, interval, budget or options.</exception>
    public PruningLimitMonitor(double epsilon, PhaseTransitionOptions? options = null, int interval = 1, int maxOperatorApplications = 300)
    {
        Preconditions.CheckFinitePositive(epsilon);
        Preconditions.CheckPositive(interval);
        Preconditions.CheckPositive(maxOperatorApplications);
        options ??= PhaseTransitionOptions.Default;
        var slq = options.Spectrum ?? new SlqOptions { Probes = 3, Steps = 100 };
        if (slq.Probes > maxOperatorApplications)
            throw new ArgumentOutOfRangeException(nameof(maxOperatorApplications), maxOperatorApplications,
                $"maxOperatorApplications must be at least the number of probes ({slq.Probes}).");
        slq = slq with { Steps = Math.Max(1, Math.Min(slq.Steps, maxOperatorApplications / slq.Probes)) };
        _options = options with { Spectrum = slq };
        Epsilon = epsilon;
        Interval = interval;
        MaxOperatorApplications = maxOperatorApplications;
    }

    /// <summary>Default tolerance ε.</summary>
    public double Epsilon { get; }

    /// <summary>Steps between updates.</summary>
    public int Interval { get; }

    /// <summary>HVP budget per update.</summary>
    public int MaxOperatorApplications { get; }

    /// <summary>The options every update uses (SLQ capped to the budget).</summary>
    public PhaseTransitionOptions Options => _options;

    /// <summary>Every estimate so far, with the step it was taken at.</summary>
    public IReadOnlyList<(int Step, PhaseTransitionEstimate Estimate)> History => _history;

    /// <summary>The latest estimate, or null before the first update.</summary>
    public PhaseTransitionEstimate? Latest => _history.Count == 0 ? null : _history[^1].Estimate;

    /// <summary>HVPs spent over all updates.</summary>
    public long TotalOperatorApplications { get; private set; }

    /// <summary>True when <paramref name="step"/> is a multiple of <see cref="Interval"/>.</summary>
    public bool ShouldUpdate(int step) => step % Interval == 0;

    /// <summary>Estimates the limit at the current weights and appends it to <see cref="History"/>.</summary>
    /// <param name="step">The training step or epoch (for the history).</param>
    /// <param name="weights">Current weights.</param>
    /// <param name="hessian">Hessian (or Gauss–Newton) operator at the current weights.</param>
    /// <param name="epsilon">Tolerance for this update; NaN (default) uses <see cref="Epsilon"/>.</param>
    /// <param name="cancellationToken">Cancels the update; the history is unchanged then.</param>
    /// <exception cref="ArgumentException">As <see cref="PhaseTransition.Estimate(ReadOnlySpan{double}, ISymmetricOperator, double, PhaseTransitionOptions?, IProgress{double}?, CancellationToken)"/>.</exception>
    public PhaseTransitionEstimate Update(int step, ReadOnlySpan<double> weights, ISymmetricOperator hessian,
        double epsilon = double.NaN, CancellationToken cancellationToken = default)
    {
        var estimate = PhaseTransition.Estimate(weights, hessian, double.IsNaN(epsilon) ? Epsilon : epsilon, _options, null, cancellationToken);
        TotalOperatorApplications += estimate.OperatorApplications;
        _history.Add((step, estimate));
        return estimate;
    }
}
