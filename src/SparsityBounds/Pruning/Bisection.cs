namespace SparsityBounds.Pruning;

/// <summary>The two searches every pruning limit uses: the smallest feasible count, and the fixed point ρ = g(ρ).</summary>
internal static class Bisection
{
    /// <summary>
    /// The smallest k in (<paramref name="infeasible"/>, <paramref name="feasible"/>] with <paramref name="isFeasible"/>(k),
    /// assuming feasibility is monotone there (k = <paramref name="feasible"/> is known feasible, k = <paramref name="infeasible"/> is not).
    /// </summary>
    internal static int SmallestFeasible(int infeasible, int feasible, Func<int, bool> isFeasible)
    {
        while (feasible - infeasible > 1)
        {
            int mid = infeasible + (feasible - infeasible) / 2;
            if (isFeasible(mid)) feasible = mid; else infeasible = mid;
        }
        return feasible;
    }

    /// <summary>The smallest k in [0, <paramref name="count"/>] with <paramref name="isFeasible"/>(k); k = count is taken as feasible.</summary>
    internal static int SmallestFeasibleCount(int count, Func<int, bool> isFeasible) =>
        isFeasible(0) ? 0 : SmallestFeasible(0, count, isFeasible);

    /// <summary>
    /// The fixed point of a non-increasing g : [0, 1] → [0, 1]: h(ρ) = ρ − g(ρ) is increasing with h(0) ≤ 0 ≤ h(1), so
    /// bisection brackets its root to 2^−iterations.
    /// </summary>
    internal static double FixedPoint(Func<double, double> g, int iterations = 100)
    {
        if (g(0) <= 0) return 0;
        double lo = 0, hi = 1;
        for (int it = 0; it < iterations && hi - lo > 1e-13; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (mid - g(mid) < 0) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
