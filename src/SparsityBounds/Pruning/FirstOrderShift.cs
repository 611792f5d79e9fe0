using SparsityBounds.Numerics;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Pruning;

/// <summary>
/// The first-order correction of the sublevel set (docs/validation.md, "First-order term"): when the trained point is not
/// stationary (gradient g ≠ 0, e.g. after L1-penalised SGD), the model gᵀδ + ½δᵀCδ ≤ ε with a positive semidefinite
/// curvature C is the ellipsoid ½(δ + s)ᵀC(δ + s) ≤ ε + ½gᵀs with s = C⁺g: the centre moves from w* to w* − s and the
/// tolerance grows by ½gᵀC⁺g. Pass it as <see cref="PhaseTransitionOptions.FirstOrder"/>.
/// </summary>
/// <param name="CentreShift">s = C⁺g (length D).</param>
/// <param name="EpsilonIncrease">½ gᵀs ≥ 0.</param>
/// <remarks>
/// Components of g in C's null space are dropped (pseudo-inverse): along a flat direction the model decreases linearly
/// without bound, which no ellipsoid describes; <see cref="DroppedGradientNorm"/> reports how much of g that was.
/// </remarks>
public sealed record FirstOrderShift(double[] CentreShift, double EpsilonIncrease)
{
    /// <summary>‖g projected on the null space of C‖ (0 when nothing was dropped).</summary>
    public double DroppedGradientNorm { get; init; }

    /// <summary>
    /// s = V a(Λ)⁺ Vᵀg from an exact eigendecomposition, with a(λ) = |λ| or max(λ, 0); eigenvalues below
    /// <paramref name="relativeCutoff"/>·max|λ| count as zero.
    /// </summary>
    /// <exception cref="ArgumentException">Length mismatch, non-finite gradient, no eigenvectors, bad cutoff.</exception>
    public static FirstOrderShift FromEigendecomposition(SymmetricEigendecomposition decomposition, ReadOnlySpan<double> gradient,
        NegativeCurvature policy = NegativeCurvature.Absolute, double relativeCutoff = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(decomposition);
        Preconditions.CheckLength(gradient.Length, decomposition.Dimension, nameof(gradient), "the decomposition's dimension");
        Preconditions.CheckAllFinite(gradient, nameof(gradient));
        Preconditions.CheckFinitePositive(relativeCutoff);
        if (!decomposition.HasEigenvectors) throw new ArgumentException("the decomposition has no eigenvectors.", nameof(decomposition));
        int n = decomposition.Dimension;
        var lambda = decomposition.Eigenvalues;
        double max = 0;
        foreach (double l in lambda) max = Math.Max(max, Math.Abs(l));
        var coordinates = new double[n];
        decomposition.ToEigenbasis(gradient, coordinates);
        double dropped = 0, epsilonIncrease = 0;
        var shifted = new double[n];
        for (int j = 0; j < n; j++)
        {
            double a = policy == NegativeCurvature.Absolute ? Math.Abs(lambda[j]) : Math.Max(lambda[j], 0.0);
            if (a <= relativeCutoff * max) { dropped += coordinates[j] * coordinates[j]; continue; }
            shifted[j] = coordinates[j] / a;
            epsilonIncrease += 0.5 * coordinates[j] * shifted[j];
        }
        // s = V (a⁺ ∘ Vᵀg).
        var s = new double[n];
        for (int j = 0; j < n; j++)
        {
            if (shifted[j] == 0) continue;
            var v = decomposition.Eigenvector(j);
            VectorKernels.Axpy(shifted[j], v, s);
        }
        return new FirstOrderShift(s, epsilonIncrease) { DroppedGradientNorm = Math.Sqrt(dropped) };
    }

    /// <summary>
    /// s = (C + μI)⁻¹g by conjugate gradients on a positive semidefinite operator (e.g. the Gauss–Newton matrix): the damping
    /// μ &gt; 0 stands in for the pseudo-inverse when only products are available.
    /// </summary>
    /// <exception cref="ArgumentException">Length mismatch, non-finite gradient, damping ≤ 0.</exception>
    public static FirstOrderShift FromOperator(ISymmetricOperator curvature, ReadOnlySpan<double> gradient, double damping,
        int maxIterations = 500, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(curvature);
        Preconditions.CheckLength(gradient.Length, curvature.Dimension, nameof(gradient), "the operator's dimension");
        Preconditions.CheckAllFinite(gradient, nameof(gradient));
        Preconditions.CheckFinitePositive(damping);
        Preconditions.CheckPositive(maxIterations);
        var damped = curvature.Shift(damping);
        var keepAll = new bool[gradient.Length];
        Array.Fill(keepAll, true);
        // Solve (C + μI) s = g: the intersection solver's CG with nothing pruned and the gradient as right-hand side −b.
        var result = SparseIntersection.Solve(damped, new double[gradient.Length], keepAll, 1.0,
            new IntersectionOptions { Gradient = gradient.ToArray(), MaxIterations = maxIterations }, cancellationToken);
        // With w* = 0 and nothing pruned, δ_T solves (C + μI) δ = −g, so s = −δ = −Weights.
        var s = result.Weights.Select(x => -x).ToArray();
        return new FirstOrderShift(s, 0.5 * VectorKernels.Dot(gradient, s));
    }
}
