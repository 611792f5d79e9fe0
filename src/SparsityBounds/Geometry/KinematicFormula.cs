using SparsityBounds.Numerics;

namespace SparsityBounds.Geometry;

/// <summary>Where a pair of cones sits relative to the phase transition of the approximate kinematic formula.</summary>
public enum KinematicRegime
{
    /// <summary>δ(C) + δ(K) ≤ d − a_η√d: the cones meet (after a random rotation) with probability at most η.</summary>
    LikelyDisjoint,

    /// <summary>Inside the transition window |δ(C) + δ(K) − d| &lt; a_η√d: the formula makes no promise.</summary>
    WithinTransition,

    /// <summary>δ(C) + δ(K) ≥ d + a_η√d: the cones meet with probability at least 1 − η.</summary>
    LikelyIntersecting,
}

/// <summary>The verdict of the approximate kinematic formula for a pair of cones (<see cref="KinematicFormula.Classify"/>).</summary>
/// <param name="Regime">Which side of the transition the pair is on.</param>
/// <param name="Excess">δ(C) + δ(K) − d: positive means more than enough dimensions to intersect.</param>
/// <param name="HalfWidth">The window half-width a_η√d (<see cref="KinematicFormula.TransitionHalfWidth"/>).</param>
public readonly record struct KinematicClassification(KinematicRegime Regime, double Excess, double HalfWidth);

/// <summary>
/// The conic kinematic formula: the probability that a closed convex cone C and a uniformly randomly rotated cone QK
/// share a ray, P{C ∩ QK ≠ {0}}, exactly from intrinsic volumes or approximately from statistical dimensions
/// (Amelunxen, Lotz, McCoy, Tropp, "Living on the edge", 2014, Thm. 1 and Thm. 7.1; THEORY.md §6).
/// </summary>
public static class KinematicFormula
{
    /// <summary>
    /// P{C ∩ QK ≠ {0}} = Σ_{k odd, k ≥ 1} 2 Σ_{i+j=d+k} v_i(C) v_j(K) (ALMT 2014, Thm. 7.1), exact for any pair that is not
    /// two subspaces; for two subspaces (each with a single nonzero intrinsic volume, at dimensions a and b) the generic
    /// value 1{a + b &gt; d} is returned. With K a k-dimensional subspace this is the Crofton formula; with C the orthant,
    /// Wendel's theorem (<see cref="SubspaceMeetsOrthant"/>).
    /// </summary>
    /// <remarks>
    /// Evaluated in O(d) with the parity-split suffix sums T(m) = v_m(K) + v_{m+2}(K) + …, so P = 2 Σᵢ vᵢ(C) T(d − i + 1);
    /// every term is nonnegative, so there is no cancellation. Products below the smallest double (possible only for
    /// probabilities far below 1e-300) are lost, which does not change the double result.
    /// </remarks>
    /// <param name="intrinsicVolumesC">v₀(C) … v_d(C): finite, ≥ 0, summing to 1 within 1e-6.</param>
    /// <param name="intrinsicVolumesK">v₀(K) … v_d(K), same length (d + 1 ≥ 2) and conditions.</param>
    /// <returns>The probability, in [0, 1].</returns>
    /// <exception cref="ArgumentException">Lengths differ or are below 2, an entry is negative or not finite, or a sum is not 1.</exception>
    public static double Probability(ReadOnlySpan<double> intrinsicVolumesC, ReadOnlySpan<double> intrinsicVolumesK)
    {
        CheckIntrinsicVolumes(intrinsicVolumesC, nameof(intrinsicVolumesC));
        Preconditions.CheckLength(intrinsicVolumesK.Length, intrinsicVolumesC.Length, nameof(intrinsicVolumesK), "the same ambient dimension as intrinsicVolumesC");
        CheckIntrinsicVolumes(intrinsicVolumesK, nameof(intrinsicVolumesK));
        int d = intrinsicVolumesC.Length - 1;
        int subspaceC = SubspaceDimensionOf(intrinsicVolumesC), subspaceK = SubspaceDimensionOf(intrinsicVolumesK);
        if (subspaceC >= 0 && subspaceK >= 0) return subspaceC + subspaceK > d ? 1.0 : 0.0;

        // T(m) for m = d, d−1, …, 1 (T(d+1) = T(d+2) = 0): only two running parities are needed.
        Span<double> parity = stackalloc double[2];
        double sum = 0;
        for (int m = d; m >= 1; m--)
        {
            parity[m & 1] += intrinsicVolumesK[m];
            int i = d + 1 - m;                      // i + j ≥ d + 1 with i + j − d odd ⇔ j ∈ {m, m + 2, …}
            sum += intrinsicVolumesC[i] * parity[m & 1];
        }
        return Math.Clamp(2.0 * sum, 0.0, 1.0);
    }

    /// <summary>
    /// Wendel's theorem: a uniformly random k-dimensional subspace meets the orthant ℝ^d_+ outside the origin with probability
    /// 2^{−(d−1)} Σ_{j=0}^{k−1} C(d − 1, j) (Wendel, Math. Scand. 10, 1962; ALMT 2014, Sec. 1.3).
    /// </summary>
    /// <remarks>The shorter binomial tail is summed in log space, smallest terms first, so both P and 1 − P stay accurate.</remarks>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="subspaceDimension">k in [0, d].</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or <paramref name="subspaceDimension"/> outside [0, d].</exception>
    public static double SubspaceMeetsOrthant(int dimension, int subspaceDimension)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAtMostDimension(subspaceDimension, dimension, nameof(subspaceDimension));
        if (subspaceDimension == 0) return 0.0;
        if (subspaceDimension == dimension) return 1.0;
        int n = dimension - 1;
        double logNormaliser = -Math.Log(n + 1.0) - n * Math.Log(2.0);
        // ln(C(n, j) 2^{−n}) = −ln(n + 1) − ln B(j + 1, n − j + 1) − n ln 2.
        double Term(int j) => Math.Exp(logNormaliser - SpecialFunctions.LogBeta(j + 1.0, n - j + 1.0));
        double tail = 0;
        if (subspaceDimension - 1 <= n - subspaceDimension)
        {
            for (int j = 0; j < subspaceDimension; j++) tail += Term(j);          // lower tail, increasing terms
            return Math.Clamp(tail, 0.0, 1.0);
        }
        for (int j = n; j >= subspaceDimension; j--) tail += Term(j);            // upper tail, increasing terms
        return Math.Clamp(1.0 - tail, 0.0, 1.0);
    }

    /// <summary>
    /// The half-width a_η √d of the transition window of the approximate kinematic formula, a_η = √(8 ln(4/η)):
    /// δ(C) + δ(K) ≤ d − a_η√d ⇒ P ≤ η, and δ(C) + δ(K) ≥ d + a_η√d ⇒ P ≥ 1 − η (ALMT 2014, Thm. 1).
    /// </summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="eta">η in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or <paramref name="eta"/> outside (0, 1) or NaN.</exception>
    public static double TransitionHalfWidth(int dimension, double eta)
    {
        ConeArguments.CheckDimension(dimension);
        Preconditions.CheckOpenUnitInterval(eta);
        return Math.Sqrt(8.0 * Math.Log(4.0 / eta)) * Math.Sqrt(dimension);
    }

    /// <summary>
    /// Classifies a pair of cones by the approximate kinematic formula: likely disjoint (P ≤ η), likely intersecting
    /// (P ≥ 1 − η) or inside the window where it promises nothing.
    /// </summary>
    /// <param name="statisticalDimensionC">δ(C) in [0, d].</param>
    /// <param name="statisticalDimensionK">δ(K) in [0, d].</param>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="eta">η in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException">A statistical dimension outside [0, d] or NaN, d &lt; 1, or η outside (0, 1).</exception>
    public static KinematicClassification Classify(double statisticalDimensionC, double statisticalDimensionK, int dimension, double eta)
    {
        double halfWidth = TransitionHalfWidth(dimension, eta);
        CheckStatisticalDimension(statisticalDimensionC, dimension, nameof(statisticalDimensionC));
        CheckStatisticalDimension(statisticalDimensionK, dimension, nameof(statisticalDimensionK));
        double excess = statisticalDimensionC + statisticalDimensionK - dimension;
        var regime = excess <= -halfWidth ? KinematicRegime.LikelyDisjoint
            : excess >= halfWidth ? KinematicRegime.LikelyIntersecting
            : KinematicRegime.WithinTransition;
        return new KinematicClassification(regime, excess, halfWidth);
    }

    private static void CheckStatisticalDimension(double value, int dimension, string name)
    {
        if (!(value >= 0 && value <= dimension))
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, {dimension}] (the dimension); got {Preconditions.Format(value)}.");
    }

    private static void CheckIntrinsicVolumes(ReadOnlySpan<double> volumes, string name)
    {
        if (volumes.Length < 2)
            throw new ArgumentException($"{name} has length {volumes.Length}; intrinsic volumes v₀…v_d need d + 1 ≥ 2 entries.", name);
        double sum = 0;
        for (int k = 0; k < volumes.Length; k++)
        {
            if (!(volumes[k] >= 0) || double.IsPositiveInfinity(volumes[k]))
                throw new ArgumentException($"{name}[{k}] is {Preconditions.Format(volumes[k])}; intrinsic volumes must be finite and >= 0.", name);
            sum += volumes[k];
        }
        if (Math.Abs(sum - 1.0) > 1e-6)
            throw new ArgumentException($"{name} sums to {Preconditions.Format(sum)}; intrinsic volumes sum to 1.", name);
    }

    // The dimension of a subspace if exactly one volume is nonzero, else −1.
    private static int SubspaceDimensionOf(ReadOnlySpan<double> volumes)
    {
        int index = -1;
        for (int k = 0; k < volumes.Length; k++)
        {
            if (volumes[k] == 0) continue;
            if (index >= 0) return -1;
            index = k;
        }
        return index;
    }
}
