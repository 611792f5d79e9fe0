using SparsityBounds.Numerics;

namespace SparsityBounds.Geometry;

/// <summary>
/// Conic intrinsic volumes v₀(C), …, v_d(C): the probabilities that the projection of a standard Gaussian vector onto C
/// lands in the relative interior of a k-dimensional face. They are nonnegative, sum to 1, and δ(C) = Σ k v_k
/// (Amelunxen, Lotz, McCoy, Tropp, "Living on the edge", 2014, Sec. 5; THEORY.md §6).
/// </summary>
/// <remarks>
/// Implementation note: every closed form is evaluated in log space (ln Γ and ln B with the large terms cancelled
/// analytically, the incomplete beta tails as logarithms), so the arrays stay accurate and sum to 1 for d in the
/// thousands; volumes below the smallest double come out as 0.
/// </remarks>
public static class IntrinsicVolumes
{
    /// <summary>The nonnegative orthant ℝ^d_+: v_k = C(d, k) / 2^d.</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <returns>v₀ … v_d (length d + 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public static double[] Orthant(int dimension)
    {
        ConeArguments.CheckDimension(dimension);
        return Exponentiate(LogOrthant(dimension));
    }

    /// <summary>A linear subspace of dimension k in ℝ^d: v_k = 1, all others 0.</summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <param name="subspaceDimension">k in [0, d].</param>
    /// <returns>v₀ … v_d (length d + 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1 or <paramref name="subspaceDimension"/> outside [0, d].</exception>
    public static double[] Subspace(int dimension, int subspaceDimension)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAtMostDimension(subspaceDimension, dimension, nameof(subspaceDimension));
        var volumes = new double[dimension + 1];
        volumes[subspaceDimension] = 1.0;
        return volumes;
    }

    /// <summary>
    /// The circular cone {x : x_d ≥ cos α ‖x‖} (ALMT 2014, Prop. 3.4 and Sec. D.3): with p = sin²α,
    /// v₀ = ½ I_{1−p}((d−1)/2, ½), v_d = ½ I_p((d−1)/2, ½) and, for 0 &lt; k &lt; d,
    /// v_k = ½ Γ(d/2) / (Γ((k+1)/2) Γ((d−k+1)/2)) · p^{(k−1)/2} (1−p)^{(d−k−1)/2}.
    /// </summary>
    /// <param name="dimension">d ≥ 1 (in ℝ¹ the cone is the ray [0, ∞): v = (½, ½)).</param>
    /// <param name="angle">Half-angle α in (0, π/2), radians.</param>
    /// <returns>v₀ … v_d (length d + 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1, or <paramref name="angle"/> outside (0, π/2) or NaN.</exception>
    public static double[] CircularCone(int dimension, double angle)
    {
        ConeArguments.CheckDimension(dimension);
        ConeArguments.CheckAngle(angle);
        return Exponentiate(LogCircularCone(dimension, angle));
    }

    /// <summary>
    /// The monotone cone {x : x₁ ≤ … ≤ x_d}: v_k = [d k] / d!, unsigned Stirling numbers of the first kind (ALMT 2014,
    /// Sec. D.4), i.e. the coefficients of Π_{j=0}^{d−1} (x + j)/(j + 1), multiplied out in double (all terms positive,
    /// so the relative error stays near d ulp). O(d²) time.
    /// </summary>
    /// <param name="dimension">d ≥ 1.</param>
    /// <returns>v₀ … v_d (length d + 1).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dimension"/> &lt; 1.</exception>
    public static double[] MonotoneCone(int dimension)
    {
        ConeArguments.CheckDimension(dimension);
        var volumes = new double[dimension + 1];
        volumes[0] = 1.0;
        for (int j = 0; j < dimension; j++)
        {
            // Multiply the polynomial of degree j by (x + j)/(j + 1), highest coefficient first (in place).
            double scale = 1.0 / (j + 1);
            for (int k = j + 1; k >= 1; k--) volumes[k] = (volumes[k - 1] + j * volumes[k]) * scale;
            volumes[0] = j * volumes[0] * scale;
        }
        return volumes;
    }

    /// <summary>ln v_k of the orthant: ln C(d, k) − d ln 2 with ln C(d, k) = −ln(d + 1) − ln B(k + 1, d − k + 1).</summary>
    internal static double[] LogOrthant(int dimension)
    {
        var logs = new double[dimension + 1];
        double common = -Math.Log(dimension + 1.0) - dimension * Math.Log(2.0);
        for (int k = 0; k <= dimension; k++) logs[k] = common - SpecialFunctions.LogBeta(k + 1.0, dimension - k + 1.0);
        return logs;
    }

    /// <summary>
    /// ln v_k of the circular cone. The middle coefficient is written ½Γ(d/2)/(Γ((k+1)/2)Γ((d−k+1)/2)) =
    /// 1/(d · B((k+1)/2, (d−k+1)/2)), and sin²α, cos²α enter through 2 ln sin α and 2 ln cos α.
    /// </summary>
    internal static double[] LogCircularCone(int dimension, double angle)
    {
        var logs = new double[dimension + 1];
        double logHalf = -Math.Log(2.0);
        if (dimension == 1) { logs[0] = logs[1] = logHalf; return logs; }
        (double sin, double cos) = Math.SinCos(angle);
        double p = sin * sin, q = cos * cos;
        double logP = 2.0 * Math.Log(sin), logQ = 2.0 * Math.Log(cos);
        double a = 0.5 * (dimension - 1);
        logs[0] = logHalf + SpecialFunctions.LogRegularizedIncompleteBeta(a, 0.5, q, p);
        logs[dimension] = logHalf + SpecialFunctions.LogRegularizedIncompleteBeta(a, 0.5, p, q);
        double logD = Math.Log(dimension);
        for (int k = 1; k < dimension; k++)
            logs[k] = 0.5 * (k - 1) * logP + 0.5 * (dimension - k - 1) * logQ - logD
                - SpecialFunctions.LogBeta(0.5 * (k + 1), 0.5 * (dimension - k + 1));
        return logs;
    }

    /// <summary>δ = Σ k v_k, summed from the top (the large k v_k terms of a wide cone) down; all terms are nonnegative.</summary>
    internal static double StatisticalDimension(ReadOnlySpan<double> volumes)
    {
        double sum = 0;
        for (int k = volumes.Length - 1; k >= 1; k--) sum += k * volumes[k];
        return sum;
    }

    private static double[] Exponentiate(double[] logs)
    {
        for (int k = 0; k < logs.Length; k++) logs[k] = Math.Exp(logs[k]);
        return logs;
    }
}
