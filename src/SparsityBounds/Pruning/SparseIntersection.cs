using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Operators;

namespace SparsityBounds.Pruning;

/// <summary>Options of the sparse/sublevel-set intersection solver (conjugate gradients on H_TT).</summary>
public sealed record IntersectionOptions
{
    /// <summary>
    /// CG stops when ‖H_TT δ_T − H_TF w*_F‖ ≤ Tolerance·‖H_TF w*_F‖. Default 1e-10: the loss increase is then accurate to
    /// about Tolerance² relative (CG error in the energy norm), far below any meaningful ε.
    /// </summary>
    public double Tolerance { get; init; } = 1e-10;

    /// <summary>
    /// Maximum CG iterations; 0 (default) means min(2·|T|, 5000). In exact arithmetic CG needs at most |T| (Hestenes &amp;
    /// Stiefel 1952); the factor 2 absorbs rounding on ill-conditioned blocks.
    /// </summary>
    public int MaxIterations { get; init; }

    /// <summary>
    /// The loss gradient g at w*, for the first-order quadratic model L(w* + δ) − L(w*) ≈ gᵀδ + ½δᵀHδ (null: the pure
    /// second-order model, as in the paper). A trained network is not a stationary point of its data loss when it was
    /// trained with an L1 penalty or stopped SGD early; the linear term accounts for that (docs/validation.md measures it).
    /// </summary>
    public double[]? Gradient { get; init; }

    /// <summary>Tolerance 1e-10, automatic iteration cap, no gradient term.</summary>
    public static IntersectionOptions Default { get; } = new();

    internal void Validate(int dimension)
    {
        Preconditions.CheckFinitePositive(Tolerance, nameof(Tolerance));
        Preconditions.CheckNonNegative(MaxIterations, nameof(MaxIterations));
        if (Gradient is not null)
        {
            Preconditions.CheckLength(Gradient.Length, dimension, nameof(Gradient), "one entry per weight");
            Preconditions.CheckAllFinite(Gradient, nameof(Gradient));
        }
    }
}

/// <summary>The outcome of <see cref="SparseIntersection.Solve(ISymmetricOperator, ReadOnlySpan{double}, ReadOnlySpan{bool}, double, CancellationToken)"/>.</summary>
public sealed class IntersectionResult
{
    internal IntersectionResult() { }

    /// <summary><see cref="MinimumLossIncrease"/> ≤ ε: the support meets the quadratic sublevel set.</summary>
    public bool Feasible { get; internal init; }

    /// <summary>
    /// q_min(T) = min over w with w_F = 0 of ½(w − w*)ᵀH(w − w*) = ½ w*_Fᵀ(H_FF − H_FT H_TT⁻¹ H_TF)w*_F (the Optimal Brain
    /// Surgeon compensation); −∞ when H_TT is not positive definite (the quadratic is unbounded below on the support).
    /// </summary>
    public double MinimumLossIncrease { get; internal init; }

    /// <summary>q_plain = ½ w*_Fᵀ H_FF w*_F (− g_Fᵀw*_F with a gradient term): the model at the plain magnitude-pruned point (kept weights unchanged).</summary>
    public double UncompensatedLossIncrease { get; internal init; }

    /// <summary>The quadratic ½δᵀHδ evaluated at <see cref="Weights"/> (equals <see cref="MinimumLossIncrease"/> when it is finite and CG converged).</summary>
    public double LossIncreaseAtWeights { get; internal init; }

    /// <summary>The minimiser w* + δ: kept weights compensated, pruned weights 0. When H_TT is indefinite, a point on the support with loss increase ≤ ε.</summary>
    public double[] Weights { get; internal init; } = [];

    /// <summary>Hessian applications used.</summary>
    public int OperatorApplications { get; internal init; }

    /// <summary>CG iterations.</summary>
    public int Iterations { get; internal init; }

    /// <summary>CG reached its tolerance (or stopped on negative curvature, which settles the answer).</summary>
    public bool Converged { get; internal init; }

    /// <summary>CG met a direction p with pᵀH_TT p &lt; 0: H_TT is not positive definite.</summary>
    public bool Indefinite { get; internal init; }

    /// <summary>Final relative CG residual ‖r‖/‖b‖.</summary>
    public double RelativeResidual { get; internal init; }
}

/// <summary>
/// Whether a sparse support meets the quadratic sublevel set E(ε) = {w : ½(w − w*)ᵀH(w − w*) ≤ ε} (THEORY.md §2),
/// matrix-free: conjugate gradients on the kept block H_TT through Hessian-vector products.
/// </summary>
public static class SparseIntersection
{
    /// <summary>
    /// The best point on the support {w : w_F = 0} (F = not kept): δ_F = −w*_F, δ_T = H_TT⁻¹ H_TF w*_F, and its loss increase.
    /// </summary>
    /// <param name="hessian">H at w* (dimension D).</param>
    /// <param name="weights">w* (length D, finite).</param>
    /// <param name="keep">true for kept coordinates T (length D).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="cancellationToken">Checked every CG iteration.</param>
    /// <exception cref="ArgumentException">Length mismatch, non-finite weights, ε ≤ 0.</exception>
    public static IntersectionResult Solve(ISymmetricOperator hessian, ReadOnlySpan<double> weights,
        ReadOnlySpan<bool> keep, double epsilon, CancellationToken cancellationToken = default) =>
        Solve(hessian, weights, keep, epsilon, IntersectionOptions.Default, cancellationToken);

    /// <summary>As <see cref="Solve(ISymmetricOperator, ReadOnlySpan{double}, ReadOnlySpan{bool}, double, CancellationToken)"/>, with CG options.</summary>
    /// <exception cref="ArgumentException">Length mismatch, non-finite weights, ε ≤ 0, invalid options.</exception>
    public static IntersectionResult Solve(ISymmetricOperator hessian, ReadOnlySpan<double> weights,
        ReadOnlySpan<bool> keep, double epsilon, IntersectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        ArgumentNullException.ThrowIfNull(options);
        Preconditions.CheckNotEmpty(weights.Length, nameof(weights));
        Preconditions.CheckLength(weights.Length, hessian.Dimension, nameof(weights), "the Hessian's dimension");
        Preconditions.CheckAllFinite(weights, nameof(weights));
        Preconditions.CheckLength(keep.Length, weights.Length, nameof(keep), "one flag per weight");
        Preconditions.CheckFinitePositive(epsilon);
        options.Validate(weights.Length);
        cancellationToken.ThrowIfCancellationRequested();
        return new Workspace(hessian, keep.ToArray()).Solve(weights, epsilon, options, cancellationToken);
    }

    /// <summary>
    /// The smallest kept fraction ρ = k/D_p whose magnitude support (the k largest prunable |w|, plus every non-prunable
    /// weight) meets E(ε): bisection on k, since q_min is non-increasing in k along the magnitude order (O(log D_p) solves).
    /// </summary>
    /// <param name="hessian">H at w*.</param>
    /// <param name="weights">w* (finite).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="prunable">Which weights may be pruned; empty means all.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    /// <exception cref="ArgumentException">Length mismatch, non-finite weights, ε ≤ 0, no prunable weight.</exception>
    public static double SmallestFeasibleKeptFraction(ISymmetricOperator hessian, ReadOnlySpan<double> weights,
        double epsilon, ReadOnlySpan<bool> prunable = default, CancellationToken cancellationToken = default) =>
        FindLimit(hessian, weights, epsilon, prunable, IntersectionOptions.Default, cancellationToken).KeptFraction;

    /// <summary>As <see cref="SmallestFeasibleKeptFraction"/>, with every bisection step and the total cost.</summary>
    /// <exception cref="ArgumentException">Length mismatch, non-finite weights, ε ≤ 0, no prunable weight.</exception>
    public static IntersectionLimit FindLimit(ISymmetricOperator hessian, ReadOnlySpan<double> weights,
        double epsilon, ReadOnlySpan<bool> prunable, IntersectionOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hessian);
        options ??= IntersectionOptions.Default;
        Preconditions.CheckLength(weights.Length, hessian.Dimension, nameof(weights), "the Hessian's dimension");
        Preconditions.CheckFinitePositive(epsilon);
        options.Validate(weights.Length);
        var profile = new MagnitudeProfile(weights, prunable);
        var steps = new List<IntersectionStep>();
        long applications = 0;
        var mask = new bool[profile.Count];
        var workspace = new Workspace(hessian, mask);

        bool Feasible(int k)
        {
            profile.FillKeepMask(k, mask);
            var r = workspace.Solve(profile.Weights, epsilon, options, cancellationToken);
            applications += r.OperatorApplications;
            steps.Add(new IntersectionStep(k, r.MinimumLossIncrease, r.UncompensatedLossIncrease, r.Converged, r.Indefinite));
            return r.Feasible;
        }

        int k = Bisection.SmallestFeasibleCount(profile.PrunableCount, Feasible); // k = D_p keeps everything: q = 0 ≤ ε
        return new IntersectionLimit((double)k / profile.PrunableCount, k, steps, applications);
    }

    /// <summary>
    /// The smallest kept fraction whose plain magnitude-pruned point (kept weights unchanged, no compensation) stays inside
    /// the quadratic model: q_plain(k) = ½ w*_Fᵀ H_FF w*_F ≤ ε, by bisection on k (one product per step). This is the
    /// quadratic model of one-shot pruning without retraining; with a positive semidefinite curvature (|H|, H₊, Gauss–Newton)
    /// q_plain usually falls as k grows, and the search returns the crossing it brackets.
    /// </summary>
    /// <param name="curvature">H (or a PSD surrogate) at w*.</param>
    /// <param name="weights">w* (finite).</param>
    /// <param name="epsilon">ε &gt; 0.</param>
    /// <param name="prunable">Which weights may be pruned; empty means all.</param>
    /// <param name="cancellationToken">Checked between products.</param>
    /// <exception cref="ArgumentException">Length mismatch, non-finite weights, ε ≤ 0, no prunable weight.</exception>
    public static IntersectionLimit FindUncompensatedLimit(ISymmetricOperator curvature, ReadOnlySpan<double> weights,
        double epsilon, ReadOnlySpan<bool> prunable = default, CancellationToken cancellationToken = default) =>
        FindUncompensatedLimit(curvature, weights, epsilon, prunable, IntersectionOptions.Default, cancellationToken);

    /// <summary>
    /// As the other overload; with <see cref="IntersectionOptions.Gradient"/> the model is the second-order Taylor expansion
    /// of one-shot pruning, q(k) = −g_Fᵀw*_F + ½ w*_Fᵀ H_FF w*_F (use the exact H here: it models the real loss change).
    /// </summary>
    /// <exception cref="ArgumentException">Length mismatch, non-finite weights, ε ≤ 0, no prunable weight, bad options.</exception>
    public static IntersectionLimit FindUncompensatedLimit(ISymmetricOperator curvature, ReadOnlySpan<double> weights,
        double epsilon, ReadOnlySpan<bool> prunable, IntersectionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(curvature);
        ArgumentNullException.ThrowIfNull(options);
        Preconditions.CheckLength(weights.Length, curvature.Dimension, nameof(weights), "the Hessian's dimension");
        Preconditions.CheckFinitePositive(epsilon);
        options.Validate(weights.Length);
        double[]? gradient = options.Gradient;
        var profile = new MagnitudeProfile(weights, prunable);
        var steps = new List<IntersectionStep>();
        int n = profile.Count;
        var u = new double[n];
        var hu = new double[n];
        var mask = new bool[n];

        bool Feasible(int k)
        {
            cancellationToken.ThrowIfCancellationRequested();
            profile.FillKeepMask(k, mask);
            for (int i = 0; i < n; i++) u[i] = mask[i] ? 0.0 : profile.Weights[i];
            curvature.Apply(u, hu);
            double q = 0.5 * VectorKernels.Dot(u, hu) - (gradient is null ? 0.0 : VectorKernels.Dot(gradient, u));
            steps.Add(new IntersectionStep(k, double.NaN, q, true, false));
            return q <= epsilon;
        }

        int k = Bisection.SmallestFeasibleCount(profile.PrunableCount, Feasible);
        return new IntersectionLimit((double)k / profile.PrunableCount, k, steps, steps.Count);
    }

    /// <summary>Buffers for repeated solves on one operator; the mask array is read at every solve.</summary>
    private sealed class Workspace
    {
        private readonly ISymmetricOperator _hessian;
        private readonly bool[] _keep;
        private readonly double[] _u, _hu, _x, _r, _p, _ap, _masked, _delta, _hDelta;

        internal Workspace(ISymmetricOperator hessian, bool[] keep)
        {
            _hessian = hessian;
            _keep = keep;
            int n = hessian.Dimension;
            _u = new double[n]; _hu = new double[n]; _x = new double[n];
            _r = new double[n]; _p = new double[n]; _ap = new double[n]; _masked = new double[n];
            _delta = new double[n]; _hDelta = new double[n];
        }

        /// <summary>The quadratic model gᵀδ + ½δᵀHδ from δ and Hδ.</summary>
        private static double Model(double[] delta, double[] hDelta, double[]? g) =>
            0.5 * VectorKernels.Dot(delta, hDelta) + (g is null ? 0.0 : VectorKernels.Dot(g, delta));

        private void ApplyKept(double[] v, double[] result)
        {
            // H_TT v for v supported on T: zero the pruned inputs, apply, zero the pruned outputs.
            for (int i = 0; i < v.Length; i++) _masked[i] = _keep[i] ? v[i] : 0.0;
            _hessian.Apply(_masked, result);
            for (int i = 0; i < v.Length; i++) if (!_keep[i]) result[i] = 0.0;
        }

        internal IntersectionResult Solve(ReadOnlySpan<double> weights, double epsilon, IntersectionOptions options, CancellationToken ct)
        {
            int n = weights.Length, kept = 0;
            for (int i = 0; i < n; i++)
            {
                _u[i] = _keep[i] ? 0.0 : weights[i];
                if (_keep[i]) kept++;
            }
            _hessian.Apply(_u, _hu);
            int applications = 1;
            double[]? g = options.Gradient;
            // δ_F = −w*_F = −u_F, so the linear term at the plain point is gᵀδ = −gᵀu.
            double plain = 0.5 * VectorKernels.Dot(_u, _hu) - (g is null ? 0.0 : VectorKernels.Dot(g, _u));

            // b = (H u)_T = H_TF w*_F; solve H_TT x = b by CG (x = δ_T).
            Array.Clear(_x);
            // With a gradient: H_TT δ_T = H_TF w*_F − g_T.
            for (int i = 0; i < n; i++) _r[i] = _keep[i] ? _hu[i] - (g is null ? 0.0 : g[i]) : 0.0;
            double bNorm = VectorKernels.Norm(_r);
            _r.CopyTo(_p, 0);
            double rr = bNorm * bNorm;
            int maxIterations = options.MaxIterations > 0 ? options.MaxIterations : Math.Min(2 * kept, 5000);
            int iterations = 0;
            bool converged = bNorm == 0, indefinite = false;
            while (!converged && iterations < maxIterations)
            {
                ct.ThrowIfCancellationRequested();
                ApplyKept(_p, _ap);
                applications++;
                iterations++;
                double curvature = VectorKernels.Dot(_p, _ap);
                if (curvature < 0) { indefinite = true; break; }
                if (curvature == 0) break;
                double alpha = rr / curvature;
                VectorKernels.Axpy(alpha, _p, _x);
                VectorKernels.Axpy(-alpha, _ap, _r);
                double rrNew = VectorKernels.Dot(_r, _r);
                if (Math.Sqrt(rrNew) <= options.Tolerance * bNorm) { converged = true; rr = rrNew; break; }
                VectorKernels.ScaledSum(1.0, _r, rrNew / rr, _p, _p);
                rr = rrNew;
            }

            // δ = x on T, −w* on F; q = ½ δᵀHδ evaluated directly (honest even if CG stopped early).
            double[] delta = _delta, hDelta = _hDelta;
            for (int i = 0; i < n; i++) delta[i] = _keep[i] ? _x[i] : -weights[i];
            _hessian.Apply(delta, hDelta);
            applications++;
            double q = Model(delta, hDelta, g);

            double minimum = q;
            if (indefinite)
            {
                // Move along p (zero on F, pᵀHp < 0) downhill until the quadratic is ≤ ε:
                // q(t) = q + t c + ½ t² κ with c = pᵀHδ, κ = pᵀHp < 0.
                double c = VectorKernels.Dot(_p, hDelta) + (g is null ? 0.0 : VectorKernels.Dot(_p, g)), kappa = VectorKernels.Dot(_p, _ap);
                double excess = Math.Max(q - epsilon, 0.0);
                double tau = excess == 0 ? 0.0 : (-Math.Abs(c) + Math.Sqrt(c * c + 2 * Math.Abs(kappa) * excess)) / Math.Abs(kappa);
                tau *= 1.0 + 1e-6; // land strictly inside
                double t = c > 0 ? -tau : tau;
                VectorKernels.Axpy(t, _p, delta);
                _hessian.Apply(delta, hDelta);
                applications++;
                q = Model(delta, hDelta, g);
                minimum = double.NegativeInfinity;
            }

            var result = new double[n];
            for (int i = 0; i < n; i++) result[i] = _keep[i] ? weights[i] + delta[i] : 0.0;
            return new IntersectionResult
            {
                Feasible = minimum <= epsilon,
                MinimumLossIncrease = minimum,
                UncompensatedLossIncrease = plain,
                LossIncreaseAtWeights = q,
                Weights = result,
                OperatorApplications = applications,
                Iterations = iterations,
                Converged = converged || indefinite,
                Indefinite = indefinite,
                RelativeResidual = bNorm == 0 ? 0.0 : Math.Sqrt(rr) / bNorm,
            };
        }
    }
}

/// <summary>One bisection step of <see cref="SparseIntersection.FindLimit"/>.</summary>
/// <param name="KeptCount">k: prunable weights kept.</param>
/// <param name="MinimumLossIncrease">q_min at that support (−∞ when H_TT is indefinite).</param>
/// <param name="UncompensatedLossIncrease">q_plain at that support.</param>
/// <param name="Converged">CG converged.</param>
/// <param name="Indefinite">H_TT was not positive definite.</param>
public readonly record struct IntersectionStep(int KeptCount, double MinimumLossIncrease, double UncompensatedLossIncrease, bool Converged, bool Indefinite);

/// <summary>The quadratic-model pruning limit along the magnitude order, with its search history.</summary>
/// <param name="KeptFraction">Smallest feasible k / D_p.</param>
/// <param name="KeptCount">Smallest feasible k.</param>
/// <param name="Steps">Every support tried, in order.</param>
/// <param name="OperatorApplications">Hessian applications used in total.</param>
public sealed record IntersectionLimit(double KeptFraction, int KeptCount, IReadOnlyList<IntersectionStep> Steps, long OperatorApplications);
