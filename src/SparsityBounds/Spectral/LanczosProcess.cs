using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Operators;

namespace SparsityBounds.Spectral;

/// <summary>
/// The symmetric Lanczos process: from a start vector v₀ it builds an orthonormal basis V_m of the Krylov space
/// span{v₀, Av₀, …, A^{m−1}v₀} and the tridiagonal T_m = V_mᵀ A V_m with A V_m = V_m T_m + β_{m−1} v_m e_mᵀ.
/// Consumers (stochastic Lanczos quadrature, Ritz estimates, your own code) read α, β and optionally the basis.
/// </summary>
/// <remarks>
/// <para>Recurrence (Lanczos 1950; Golub &amp; Van Loan §10.1): w = A v_j, α_j = v_jᵀw,
/// r_j = w − α_j v_j − β_{j−1} v_{j−1} (one fused pass that also returns ‖r_j‖²), optionally reorthogonalised
/// against the stored vectors (every step and every vector under <see cref="Reorthogonalization.Full"/>; where Simon's
/// estimates call for it under <see cref="Reorthogonalization.Partial"/>), then β_j = ‖r_j‖ and v_{j+1} = r_j / β_j. T_m has diagonal α₀..α_{m−1} and
/// off-diagonal β₀..β_{m−2}; β_{m−1} is the residual norm that measures how far span V_m is from invariant.</para>
/// <para>When β_j ≤ <see cref="LanczosOptions.InvariantSubspaceTolerance"/>·‖A‖ₑₛₜ the process stops with
/// <see cref="FoundInvariantSubspace"/> set: the Krylov space is invariant and e₁ᵀf(T)e₁ = v₀ᵀf(A)v₀ exactly.</para>
/// <para>Memory: without a stored basis, three vectors of length D, allocated once; no O(D) allocation per
/// step. With a stored basis (full or partial reorthogonalisation, or <see cref="LanczosOptions.KeepBasis"/>), each basis
/// vector is allocated when the process first reaches it and reused after <see cref="Restart"/>.</para>
/// <para>Thread safety: an instance is not thread-safe; it applies the operator from the calling thread only.</para>
/// <para>Example:
/// <code>
/// var lanczos = new LanczosProcess(hessian, startVector, new LanczosOptions { Steps = 80 });
/// lanczos.Run();
/// var nodes = new double[lanczos.Steps]; var weights = new double[lanczos.Steps];
/// lanczos.GaussQuadrature(nodes, weights);   // v₀ᵀ f(A) v₀ ≈ Σ_j weights[j] f(nodes[j])
/// </code></para>
/// </remarks>
public sealed class LanczosProcess
{
    private readonly ISymmetricOperator _operator;
    private readonly int _dimension;
    private readonly int _maxSteps;
    private readonly bool _storeBasis;
    private readonly bool _fullReorthogonalization;
    private readonly bool _partialReorthogonalization;
    // Partial mode: ω estimates for v_j (current) and v_{j−1} (previous), indexed by k; swapped every step.
    private double[] _omega;
    private double[] _omegaPrevious;
    private bool _reorthogonalizeNext;
    private int _reorthogonalizations;
    private long _orthogonalizedVectors;
    // Partial mode: the basis vectors the last reorthogonalisation used (carried into the forced next step) and the list.
    private readonly bool[] _selected;
    private readonly int[] _indices;
    private readonly BasisOrthogonalizer? _orthogonalizer;
    // Reduced storage of the reorthogonalisation basis (float32, or int16 with one scale per part of the orthogonaliser's
    // partition); the double vectors then live only in _previous/_current.
    private readonly BasisPrecision _storage;
    private readonly float[]?[] _singleBasis;
    private readonly short[]?[] _scaledBasis;
    private readonly double[] _basisScales;
    private readonly double _omegaThreshold;
    private readonly double _omegaReset;
    private readonly double _invariantTolerance;
    private readonly double[] _alpha;
    private readonly double[] _beta;
    private readonly double[] _coefficients;
    // Basis mode: _basis[j] = v_j, allocated on first use. Recurrence mode: _previous, _current, _work rotate.
    private readonly double[]?[] _basis;
    private double[] _previous;
    private double[] _current;
    private double[] _work;
    private int _steps;
    private bool _invariant;
    private int _applications;
    private double _normEstimate;

    /// <summary>Prepares a process on <paramref name="op"/> from <paramref name="start"/> (normalised internally); no product is computed yet.</summary>
    /// <param name="op">The symmetric operator A.</param>
    /// <param name="start">Start vector of length D: finite and non-zero.</param>
    /// <param name="options">Steps, orthogonalisation and basis storage; <see cref="LanczosOptions.Default"/> when null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="op"/> is null.</exception>
    /// <exception cref="ArgumentException">Bad start vector, or an option out of range (Steps &lt; 1, tolerance negative or not finite).</exception>
    public LanczosProcess(ISymmetricOperator op, ReadOnlySpan<double> start, LanczosOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(op);
        options ??= LanczosOptions.Default;
        if (options.Steps < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.Steps, $"options.Steps must be >= 1; got {options.Steps}.");
        if (!double.IsFinite(options.InvariantSubspaceTolerance) || options.InvariantSubspaceTolerance < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.InvariantSubspaceTolerance,
                $"options.InvariantSubspaceTolerance must be finite and >= 0; got {Preconditions.Format(options.InvariantSubspaceTolerance)}.");
        if (!Enum.IsDefined(options.Reorthogonalization))
            throw new ArgumentOutOfRangeException(nameof(options), options.Reorthogonalization, $"options.Reorthogonalization {options.Reorthogonalization} is not defined.");
        if (!Enum.IsDefined(options.BasisPrecision))
            throw new ArgumentOutOfRangeException(nameof(options), options.BasisPrecision, $"options.BasisPrecision {options.BasisPrecision} is not defined.");
        if (options.BasisPrecision != BasisPrecision.Double && options.KeepBasis)
            throw new ArgumentException($"options.BasisPrecision is {options.BasisPrecision} and options.KeepBasis is true: a kept basis is returned in double precision; choose one.", nameof(options));
        int dimension = op.Dimension;
        if (dimension < 1) throw new ArgumentException($"op has dimension {dimension}; it must be >= 1.", nameof(op));
        CheckStart(start, dimension);

        _operator = op;
        _dimension = dimension;
        _maxSteps = Math.Min(options.Steps, dimension);
        _fullReorthogonalization = options.Reorthogonalization == Reorthogonalization.Full;
        _partialReorthogonalization = options.Reorthogonalization == Reorthogonalization.Partial;
        bool reorthogonalize = _fullReorthogonalization || _partialReorthogonalization;
        _storage = reorthogonalize ? options.BasisPrecision : BasisPrecision.Double;
        _storeBasis = reorthogonalize && !Reduced || options.KeepBasis;
        _singleBasis = _storage == BasisPrecision.Single ? new float[]?[_maxSteps] : [];
        _scaledBasis = _storage == BasisPrecision.Scaled16 ? new short[]?[_maxSteps] : [];
        // A rounded copy of v_k leaves, after projecting w on it, an overlap with the exact v_k of about the rounding error
        // projected on an unrelated direction: u/√(3D) on average for a relative rounding u per entry (float32: 2⁻²⁴; the
        // 16-bit storage: 2⁻¹⁶ of a slice's largest entry, a few times its typical one, so 2⁻¹⁵ is used); 3u/√D is the reset
        // level, and the threshold keeps the double mode's margin of three orders of magnitude above it (ω ≤ 1e-6 with
        // float32 still leaves T_m the projection of A to O(ω²‖A‖) ≈ 1e-12‖A‖: Simon 1984, §4; the 16-bit levels were
        // checked against float32 on the end-to-end Hessian: docs/benchmarks.md).
        double rounding = _storage switch { BasisPrecision.Single => Math.Pow(2, -24), BasisPrecision.Scaled16 => Math.Pow(2, -15), _ => 0.0 };
        // (A double basis has no storage rounding: the levels stay ε^{3/4} and √ε, which 1000·ε^{3/4} does not exceed.)
        _omegaReset = Math.Max(OmegaReset, 3 * rounding / Math.Sqrt(dimension));
        _omegaThreshold = Math.Max(OmegaThreshold, ReducedThresholdFactor * _omegaReset);
        _invariantTolerance = options.InvariantSubspaceTolerance;
        _alpha = new double[_maxSteps];
        _beta = new double[_maxSteps];
        _coefficients = _fullReorthogonalization || _partialReorthogonalization ? new double[_maxSteps] : [];
        _omega = _partialReorthogonalization ? new double[_maxSteps + 1] : [];
        _omegaPrevious = _partialReorthogonalization ? new double[_maxSteps + 1] : [];
        _selected = _partialReorthogonalization ? new bool[_maxSteps + 1] : [];
        _indices = _fullReorthogonalization || _partialReorthogonalization ? new int[_maxSteps + 1] : [];
        if (_fullReorthogonalization) for (int k = 0; k < _indices.Length; k++) _indices[k] = k;
        _orthogonalizer = reorthogonalize ? new BasisOrthogonalizer(dimension, options.MaxDegreeOfParallelism) : null;
        _basisScales = _storage == BasisPrecision.Scaled16 ? new double[_maxSteps * _orthogonalizer!.Parts] : [];
        _work = new double[dimension];
        if (_storeBasis)
        {
            _basis = new double[]?[_maxSteps];
            _previous = _current = [];
        }
        else
        {
            _basis = [];
            _previous = new double[dimension];
            _current = new double[dimension];
        }
        Initialize(start);
    }

    /// <summary>The operator dimension D.</summary>
    public int Dimension => _dimension;

    /// <summary>Largest number of steps this process can take: min(<see cref="LanczosOptions.Steps"/>, D).</summary>
    public int MaximumSteps => _maxSteps;

    /// <summary>Steps taken so far, m (the size of T_m).</summary>
    public int Steps => _steps;

    /// <summary>True when a step found an invariant subspace (β ≈ 0) and the process stopped early.</summary>
    public bool FoundInvariantSubspace => _invariant;

    /// <summary>True when no further step is possible: <see cref="MaximumSteps"/> reached or an invariant subspace found.</summary>
    public bool IsComplete => _invariant || _steps >= _maxSteps;

    /// <summary>Operator applications since construction (across restarts): one per step.</summary>
    public int OperatorApplications => _applications;

    /// <summary>Running lower bound on ‖A‖₂: max over steps of ‖T e_j‖ = √(β_{j−1}² + α_j² + β_j²).</summary>
    public double NormEstimate => _normEstimate;

    /// <summary>Steps at which the new vector was orthogonalised against the stored basis: every step under
    /// <see cref="Reorthogonalization.Full"/>, the triggered ones under <see cref="Reorthogonalization.Partial"/>, none
    /// otherwise. Counts across restarts, like <see cref="OperatorApplications"/>.</summary>
    public int Reorthogonalizations => _reorthogonalizations;

    /// <summary>Basis vectors orthogonalised against, summed over <see cref="Reorthogonalizations"/> (the memory traffic
    /// of reorthogonalisation in units of one basis vector per pass). Counts across restarts.</summary>
    public long OrthogonalizedVectors => _orthogonalizedVectors;

    /// <summary>True when the basis vectors are stored (full or partial reorthogonalisation, or <see cref="LanczosOptions.KeepBasis"/>).</summary>
    public bool HasBasis => _storeBasis;

    /// <summary>Diagonal of T_m: α₀..α_{m−1}.</summary>
    public ReadOnlySpan<double> Alpha => _alpha.AsSpan(0, _steps);

    /// <summary>
    /// β₀..β_{m−1}: β_j = ‖r_j‖ couples v_j and v_{j+1}. The first m − 1 are the off-diagonal of T_m; the last is
    /// the residual norm of the factorisation (Ritz residual of θ_i is β_{m−1}·|s_i[m−1]|).
    /// </summary>
    public ReadOnlySpan<double> Beta => _beta.AsSpan(0, _steps);

    /// <summary>Lanczos vector v_<paramref name="index"/> (0 ≤ index &lt; <see cref="Steps"/>); requires a stored basis.</summary>
    /// <exception cref="InvalidOperationException">The basis is not stored.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside [0, Steps).</exception>
    public ReadOnlySpan<double> BasisVector(int index)
    {
        if (!_storeBasis) throw new InvalidOperationException("The basis is not stored in double precision: use Reorthogonalization.Full or Partial with BasisPrecision.Double, or KeepBasis = true.");
        if ((uint)index >= (uint)_steps)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"index must lie in [0, {_steps}); got {index}.");
        return _basis[index];
    }

    /// <summary>Starts again from a new start vector, reusing every buffer. <see cref="OperatorApplications"/> keeps counting.</summary>
    /// <exception cref="ArgumentException"><paramref name="start"/> has the wrong length, a non-finite entry, or is zero.</exception>
    public void Restart(ReadOnlySpan<double> start)
    {
        CheckStart(start, _dimension);
        Initialize(start);
    }

    /// <summary>Takes one Lanczos step (one operator application).</summary>
    /// <returns>False, without doing anything, when the process is already complete.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The operator returned a non-finite value.</exception>
    public bool Step(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (IsComplete) return false;
        int j = _steps;
        double[] v = _storeBasis ? _basis[j]! : _current;
        double[] vPrevious = j == 0 ? v : (_storeBasis ? _basis[j - 1]! : _previous);
        double betaPrevious = j == 0 ? 0.0 : _beta[j - 1];
        double[] w = _work;

        _operator.Apply(v, w);
        _applications++;
        double alpha = VectorKernels.Dot(v, w);
        double residualSquared = VectorKernels.LanczosResidual(w, v, vPrevious, alpha, betaPrevious, w);
        double beta;
        bool reorthogonalize = _fullReorthogonalization;
        if (_partialReorthogonalization)
        {
            // Simon's recurrence for ω_{j+1,k} ≈ v_{j+1}ᵀv_k needs β_j = ‖r_j‖ before any reorthogonalisation.
            // A triggered step is followed by one forced step (Simon 1984: orthogonalise both v_{j+1} and v_{j+2}).
            bool forced = _reorthogonalizeNext;
            bool triggered = UpdateOmega(j, alpha, Math.Sqrt(residualSquared), betaPrevious);
            reorthogonalize = forced || triggered;
            _reorthogonalizeNext = reorthogonalize && !forced;
        }
        if (reorthogonalize && _partialReorthogonalization)
        {
            // Only against the vectors whose estimated overlap |ω_{j+1,k}| reached ε^{3/4} (PROPACK's choice), those of the
            // triggering step (for the forced one), and v_{j−1}, v_j: the others are already orthogonal to that level.
            int count = 0;
            for (int k = 0; k <= j; k++)
            {
                bool use = Math.Abs(_omega[k]) >= _omegaReset || _selected[k] || k >= j - 1;
                _selected[k] = use && _reorthogonalizeNext;   // remembered only for the forced step that follows
                if (use) _indices[count++] = k;
            }
            _selected[j + 1] = _reorthogonalizeNext;
            Span<double> c = _coefficients.AsSpan(0, count);
            c.Clear();
            beta = Orthogonalize(_indices.AsSpan(0, count), w, c);
            alpha += c[count - 1]; // the last index is j: the projection left on v_j corrects α_j
            _reorthogonalizations++;
            _orthogonalizedVectors += count;
            for (int i = 0; i < count; i++) _omega[_indices[i]] = _omegaReset;   // v_{j+1} is orthogonal to these again
        }
        else if (reorthogonalize)
        {
            Span<double> c = _coefficients.AsSpan(0, j + 1);
            c.Clear();
            beta = Orthogonalize(_indices.AsSpan(0, j + 1), w, c);
            alpha += c[j]; // the projection left on v_j is a correction to α_j
            _reorthogonalizations++;
            _orthogonalizedVectors += j + 1;
        }
        else
        {
            beta = Math.Sqrt(residualSquared);
        }
        if (!double.IsFinite(alpha) || !double.IsFinite(beta))
            throw new InvalidOperationException($"The operator produced a non-finite value at Lanczos step {j} (alpha = {Preconditions.Format(alpha)}, beta = {Preconditions.Format(beta)}).");

        _alpha[j] = alpha;
        _beta[j] = beta;
        _steps = j + 1;
        _normEstimate = Math.Max(_normEstimate, Math.Sqrt(betaPrevious * betaPrevious + alpha * alpha + beta * beta));
        if (beta <= _invariantTolerance * _normEstimate)
        {
            _invariant = true;
            return true;
        }
        if (_steps >= _maxSteps) return true; // nothing will use v_m

        double inverse = 1.0 / beta;
        if (_storeBasis)
        {
            double[] next = _basis[_steps] ??= new double[_dimension];
            VectorKernels.Scale(inverse, w, next);
        }
        else
        {
            VectorKernels.Scale(inverse, w, w);
            // Rotate buffers: previous ← current, current ← next, work ← old previous.
            (_previous, _current, _work) = (_current, w, _previous);
            if (Reduced) StoreCopy(_current, _steps);
        }
        return true;
    }

    private bool Reduced => _storage != BasisPrecision.Double;

    // The rounded copy of v_k that reorthogonalisation reads (reduced storage only).
    private void StoreCopy(double[] v, int k)
    {
        if (_storage == BasisPrecision.Single) MixedPrecisionKernels.ConvertToSingle(v, _singleBasis[k] ??= new float[_dimension]);
        else _orthogonalizer!.Quantize(v, _scaledBasis[k] ??= new short[_dimension], _basisScales.AsSpan(k * _orthogonalizer.Parts, _orthogonalizer.Parts));
    }

    private double Orthogonalize(ReadOnlySpan<int> indices, double[] w, Span<double> coefficients) => _storage switch
    {
        BasisPrecision.Single => _orthogonalizer!.OrthogonalizeTwice(_singleBasis, indices, w, coefficients),
        BasisPrecision.Scaled16 => _orthogonalizer!.OrthogonalizeTwice(_scaledBasis, _basisScales, indices, w, coefficients),
        _ => _orthogonalizer!.OrthogonalizeTwice(_basis, indices, w, coefficients),
    };

    /// <summary>Steps until <see cref="IsComplete"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (checked before every step).</exception>
    public void Run(CancellationToken cancellationToken = default)
    {
        while (Step(cancellationToken)) { }
    }

    /// <summary>
    /// Gauss quadrature of the spectral measure of v₀ from T_m (Golub–Welsch): nodes θ_j (eigenvalues of T_m,
    /// ascending) and weights τ_j = s_j[0]² (squared first components of its unit eigenvectors, summing to 1), so
    /// v₀ᵀ f(A) v₀ ≈ Σ_j τ_j f(θ_j), exact for polynomials of degree ≤ 2m − 1 (Golub &amp; Meurant 2010, ch. 6).
    /// </summary>
    /// <param name="nodes">Destination of length <see cref="Steps"/>.</param>
    /// <param name="weights">Destination of length <see cref="Steps"/>.</param>
    /// <exception cref="InvalidOperationException">No step has been taken.</exception>
    public void GaussQuadrature(Span<double> nodes, Span<double> weights)
    {
        if (_steps == 0) throw new InvalidOperationException("Take at least one step before asking for the quadrature.");
        if (nodes.Length != _steps) throw new ArgumentException($"nodes has length {nodes.Length}; expected {_steps} (Steps).", nameof(nodes));
        if (weights.Length != _steps) throw new ArgumentException($"weights has length {weights.Length}; expected {_steps} (Steps).", nameof(weights));
        SymmetricTridiagonalEigen.GaussQuadrature(Alpha, Beta, nodes, weights);
    }

    /// <summary>Eigenvalues of T_m (the Ritz values), ascending.</summary>
    /// <param name="destination">Destination of length <see cref="Steps"/>.</param>
    public void RitzValues(Span<double> destination)
    {
        if (_steps == 0) throw new InvalidOperationException("Take at least one step before asking for Ritz values.");
        if (destination.Length != _steps)
            throw new ArgumentException($"destination has length {destination.Length}; expected {_steps} (Steps).", nameof(destination));
        SymmetricTridiagonalEigen.Eigenvalues(Alpha, Beta, destination);
    }

    private void Initialize(ReadOnlySpan<double> start)
    {
        double norm = VectorKernels.Norm(start);
        double[] v0 = _storeBasis ? (_basis[0] ??= new double[_dimension]) : _current;
        VectorKernels.Scale(1.0 / norm, start, v0);
        if (Reduced) StoreCopy(v0, 0);
        _steps = 0;
        _invariant = false;
        _normEstimate = 0.0;
        if (_partialReorthogonalization)
        {
            _omega.AsSpan().Clear();
            _omegaPrevious.AsSpan().Clear();
            _omega[0] = 1.0;   // ω_{0,0} = v₀ᵀv₀
            _reorthogonalizeNext = false;
            _selected.AsSpan().Clear();
        }
    }

    // Semi-orthogonality level √ε (Simon 1984) and the level ω is reset to after a reorthogonalisation (ε^{3/4}, as PROPACK).
    // Single-precision mode: trigger level over reset level. 3000, 10^4 and 10^5 changed the reorthogonalised vectors of a
    // 250-step run on the end-to-end Hessian by < 3 % and the pruning limit not at all (docs/benchmarks.md).
    private const double ReducedThresholdFactor = 1000;
    private static readonly double OmegaThreshold = Math.Sqrt(Math.Pow(2, -52));
    private static readonly double OmegaReset = Math.Pow(Math.Pow(2, -52), 0.75);

    /// <summary>
    /// Advances Simon's recurrence from ω_j (for v_j) and ω_{j−1} to ω_{j+1} (for v_{j+1} = r_j/β_j), in place of ω_{j−1}:
    /// β_j ω_{j+1,k} = β_k ω_{j,k+1} + (α_k − α_j) ω_{j,k} + β_{k−1} ω_{j,k−1} − β_{j−1} ω_{j−1,k} + rounding term,
    /// with ω_{j+1,j} at rounding level and ω_{j+1,j+1} = 1 (Simon 1984, §5). Returns true when max_k≤j |ω_{j+1,k}| exceeds √ε.
    /// </summary>
    private bool UpdateOmega(int j, double alphaJ, double betaJ, double betaPrevious)
    {
        double[] current = _omega, next = _omegaPrevious;   // next overwrites ω_{j−1}
        double eps = Math.Pow(2, -52);
        if (!(betaJ > 0) || !double.IsFinite(betaJ))
        {
            (_omega, _omegaPrevious) = (next, current);
            return false;   // β_j = 0: invariant subspace, no next vector
        }
        double worst = 0.0;
        for (int k = 0; k < j; k++)
        {
            double value = _beta[k] * current[k + 1] + (_alpha[k] - alphaJ) * current[k]
                         + (k > 0 ? _beta[k - 1] * current[k - 1] : 0.0) - betaPrevious * next[k];
            // Simon's local rounding term ε(β_k + β_j)·0.3, with the sign that makes |ω| grow (a deterministic worst case
            // of his random model).
            value = (value + Math.CopySign(0.3 * eps * (_beta[k] + betaJ), value)) / betaJ;
            next[k] = value;
            worst = Math.Max(worst, Math.Abs(value));
        }
        next[j] = eps * _dimension * 0.6;   // ω_{j+1,j}: local orthogonality, kept by the three-term recurrence
        next[j + 1] = 1.0;
        (_omega, _omegaPrevious) = (next, current);
        return worst > _omegaThreshold;
    }

    private static void CheckStart(ReadOnlySpan<double> start, int dimension)
    {
        if (start.Length != dimension)
            throw new ArgumentException($"start has length {start.Length}; the operator has dimension {dimension}.", nameof(start));
        Preconditions.CheckAllFinite(start, nameof(start));
        double norm = VectorKernels.Norm(start);
        if (!(norm > 0) || !double.IsFinite(norm))
            throw new ArgumentException($"start must be a non-zero vector with a finite norm; its norm is {Preconditions.Format(norm)}.", nameof(start));
    }
}
