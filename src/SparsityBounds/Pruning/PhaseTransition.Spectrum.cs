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
        var counter = new ProgressCounter((long)slq.Probes * slq.Steps, progress);
        var spectrum = StochasticLanczosQuadrature.Estimate(ProgressOperator.Wrap(hessian, counter), slq, cancellationToken);
        var estimate = Solve(profile, spectrum, epsilon, options, spectrum, counter.Applications, watch);
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

    /// <summary>Counts the products of an operator and of all its concurrent views, and reports progress as products /
    /// expected budget (capped below 1 until done), in increasing order, at most once per percent.</summary>
    private sealed class ProgressCounter(long budget, IProgress<double>? progress)
    {
        private readonly long _reportEvery = Math.Max(1, budget / 100);
        private readonly Lock _reportLock = new();
        private long _applications;
        private long _reported;

        public long Applications => Volatile.Read(ref _applications);

        public void Add()
        {
            long count = Interlocked.Increment(ref _applications);
            if (progress is null || count % _reportEvery != 0) return;
            lock (_reportLock)   // concurrent probes: keep the reports increasing
            {
                if (count <= _reported) return;
                _reported = count;
                progress.Report(Math.Min(0.99, (double)count / Math.Max(1, budget)));
            }
        }
    }

    /// <summary>The operator with its products counted; keeps its concurrent views (for concurrent SLQ probes).</summary>
    private class ProgressOperator(ISymmetricOperator inner, ProgressCounter counter) : ISymmetricOperator
    {
        protected ProgressCounter Counter => counter;

        public static ProgressOperator Wrap(ISymmetricOperator inner, ProgressCounter counter) =>
            inner is IConcurrentSymmetricOperator concurrent ? new ConcurrentProgressOperator(concurrent, counter) : new ProgressOperator(inner, counter);

        public int Dimension => inner.Dimension;

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            inner.Apply(x, y);
            counter.Add();
        }
    }

    private sealed class ConcurrentProgressOperator(IConcurrentSymmetricOperator concurrent, ProgressCounter counter)
        : ProgressOperator(concurrent, counter), IConcurrentSymmetricOperator
    {
        public ISymmetricOperator CreateConcurrentView() => new ProgressOperator(concurrent.CreateConcurrentView(), Counter);
    }
}
