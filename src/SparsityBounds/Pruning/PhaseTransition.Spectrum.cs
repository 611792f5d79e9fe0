using System.Diagnostics;
using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

public static partial class PhaseTransition
{
    /// <summary>
    /// The limit from a cached spectrum (stochastic Lanczos quadrature or exact): re-evaluates W(R) at any ε or
    /// options without new Hessian-vector products (microseconds to milliseconds).
    /// </summary>
    /// <param name="weights">Trained weights w* (length D = <paramref name="spectrum"/>.Dimension, finite).</param>
    /// <param name="spectrum">The Hessian's spectral quadrature at w*.</param>
    /// <param name="epsilon">Tolerated loss increase ε &gt; 0.</param>
    /// <param name="options">Options; null uses <see cref="PhaseTransitionOptions.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="spectrum"/> is null.</exception>
    /// <exception cref="ArgumentException">Empty or non-finite weights, a dimension mismatch, ε ≤ 0, or invalid options.</exception>
    public static PhaseTransitionEstimate Estimate(ReadOnlySpan<double> weights, SpectralQuadrature spectrum,
        double epsilon, PhaseTransitionOptions? options = null)
    {
        var watch = Stopwatch.StartNew();
        ArgumentNullException.ThrowIfNull(spectrum);
        options = ValidateInputs(weights, spectrum.Dimension, "the spectrum's dimension", epsilon, options);
        var profile = CreateProfile(weights, options, ref epsilon);
        return Solve(profile, spectrum, epsilon, options, spectrum, 0, watch);
    }

    /// <summary>
    /// The limit from Hessian-vector products: runs stochastic Lanczos quadrature (<see cref="PhaseTransitionOptions.Spectrum"/>)
    /// on <paramref name="hessian"/>, then solves the fixed point. The spectrum is returned in the result for reuse.
    /// </summary>
    /// <param name="weights">Trained weights w* (length D = <paramref name="hessian"/>.Dimension, finite).</param>
    /// <param name="hessian">The Hessian (or a curvature surrogate such as the Gauss–Newton matrix) at w*.</param>
    /// <param name="epsilon">Tolerated loss increase ε &gt; 0.</param>
    /// <param name="options">Options; null uses <see cref="PhaseTransitionOptions.Default"/>.</param>
    /// <param name="progress">Receives the completed fraction in [0, 1] (by Hessian-vector products spent).</param>
    /// <param name="cancellationToken">Cancels the spectrum run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="hessian"/> is null.</exception>
    /// <exception cref="ArgumentException">Empty or non-finite weights, a dimension mismatch, ε ≤ 0, or invalid options.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public static PhaseTransitionEstimate Estimate(ReadOnlySpan<double> weights, ISymmetricOperator hessian,
        double epsilon, PhaseTransitionOptions? options = null,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        ArgumentNullException.ThrowIfNull(hessian);
        options = ValidateInputs(weights, hessian.Dimension, "the Hessian's dimension", epsilon, options);
        var profile = CreateProfile(weights, options, ref epsilon);
        var slq = options.Spectrum ?? PhaseTransitionOptions.DefaultSpectrum;

        progress?.Report(0.0);
        var counted = new ProgressOperator(hessian, (long)slq.Probes * slq.Steps, progress);
        var spectrum = StochasticLanczosQuadrature.Estimate(counted, slq, cancellationToken);
        var estimate = Solve(profile, spectrum, epsilon, options, spectrum, counted.Applications, watch);
        progress?.Report(1.0);
        return estimate;
    }

    /// <summary>The checks every overload runs before any work; returns the options with defaults filled in.</summary>
    private static PhaseTransitionOptions ValidateInputs(ReadOnlySpan<double> weights, int dimension, string dimensionWhat,
        double epsilon, PhaseTransitionOptions? options)
    {
        options ??= PhaseTransitionOptions.Default;
        Preconditions.CheckNotEmpty(weights.Length, nameof(weights));
        Preconditions.CheckAllFinite(weights, nameof(weights));
        Preconditions.CheckLength(weights.Length, dimension, nameof(weights), dimensionWhat);
        Preconditions.CheckFinitePositive(epsilon);
        options.Validate(weights.Length);
        return options;
    }

    /// <summary>Counts applications and reports progress as applications / expected budget (capped below 1 until done).</summary>
    private sealed class ProgressOperator(ISymmetricOperator inner, long budget, IProgress<double>? progress) : ISymmetricOperator
    {
        private readonly long _reportEvery = Math.Max(1, budget / 100);

        public long Applications { get; private set; }

        public int Dimension => inner.Dimension;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            inner.Apply(x, y);
            Applications++;
            if (progress is not null && Applications % _reportEvery == 0)
                progress.Report(Math.Min(0.99, (double)Applications / Math.Max(1, budget)));
        }
    }
}
