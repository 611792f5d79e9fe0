using SparsityBounds.Models;
using SparsityBounds.Pruning;

namespace SparsityBounds.Cli.Demo;

/// <summary>The smallest kept fraction whose magnitude support still reaches loss ≤ L(w*) + ε once the kept weights are re-optimised.</summary>
/// <param name="KeptFraction">k / D_p.</param>
/// <param name="KeptCount">k.</param>
/// <param name="GradientEvaluations">Full-data gradients spent.</param>
/// <param name="Steps">(k, loss increase after re-optimisation) for every support tried.</param>
internal sealed record RetrainedLimit(double KeptFraction, int KeptCount, long GradientEvaluations, IReadOnlyList<(int KeptCount, double LossIncrease)> Steps);

/// <summary>
/// Real-loss counterpart of the compensated quadratic-model limit: prune by magnitude, then re-optimise the kept weights
/// (pruned ones stay 0) on the full training loss by L-BFGS (Nocedal &amp; Wright, Numerical Optimization, Alg. 7.4, memory 10,
/// Armijo backtracking). The theory asks whether the sparse subspace meets the sublevel set at all; re-optimising the
/// kept weights is how one looks for such a point in the real loss.
/// </summary>
internal static class MaskedRetraining
{
    private const int Memory = 10;

    /// <summary>Minimises the loss over the kept coordinates starting from <paramref name="start"/> (pruned coordinates must be 0).</summary>
    /// <returns>The final loss, the gradients spent and the final weights.</returns>
    public static (double Loss, int Gradients, double[] Weights) Minimize(MlpObjective objective, double[] start, bool[] keep, int maxIterations,
        CancellationToken cancellationToken)
    {
        int d = start.Length;
        var w = (double[])start.Clone();
        var g = new double[d];
        var trial = new double[d];
        var gTrial = new double[d];
        var direction = new double[d];
        var s = new double[Memory][];
        var y = new double[Memory][];
        var rho = new double[Memory];
        var alpha = new double[Memory];
        int stored = 0, newest = -1, gradients = 0;

        double f = objective.Gradient(w, g);
        gradients++;
        Mask(g, keep);
        double g0 = Norm(g);
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double gNorm = Norm(g);
            if (gNorm <= 1e-6 * Math.Max(1.0, g0)) break;

            // Two-loop recursion: direction = −H_k g.
            for (int i = 0; i < d; i++) direction[i] = -g[i];
            for (int j = 0; j < stored; j++)
            {
                int m = (newest - j + Memory) % Memory;
                alpha[m] = rho[m] * Dot(s[m], direction);
                Axpy(-alpha[m], y[m], direction);
            }
            double gamma = stored > 0 ? Dot(s[newest], y[newest]) / Dot(y[newest], y[newest]) : 1.0 / Math.Max(gNorm, 1e-300);
            for (int i = 0; i < d; i++) direction[i] *= gamma;
            for (int j = stored - 1; j >= 0; j--)
            {
                int m = (newest - j + Memory) % Memory;
                double beta = rho[m] * Dot(y[m], direction);
                Axpy(alpha[m] - beta, s[m], direction);
            }
            Mask(direction, keep);
            double slope = Dot(g, direction);
            if (!(slope < 0))
            {
                // Not a descent direction (curvature pair trouble): restart from steepest descent.
                stored = 0;
                for (int i = 0; i < d; i++) direction[i] = -g[i] / Math.Max(gNorm, 1e-300);
                slope = Dot(g, direction);
            }

            double step = 1.0, fTrial = double.NaN;
            bool accepted = false;
            for (int backtrack = 0; backtrack < 30; backtrack++)
            {
                for (int i = 0; i < d; i++) trial[i] = w[i] + step * direction[i];
                fTrial = objective.Gradient(trial, gTrial);
                gradients++;
                if (double.IsFinite(fTrial) && fTrial <= f + 1e-4 * step * slope) { accepted = true; break; }
                step *= 0.5;
            }
            if (!accepted) break;
            Mask(gTrial, keep);

            double sy = 0, ss = 0, yy = 0;
            for (int i = 0; i < d; i++)
            {
                double si = trial[i] - w[i], yi = gTrial[i] - g[i];
                sy += si * yi;
                ss += si * si;
                yy += yi * yi;
            }
            // Keep only pairs with positive curvature: the inverse-Hessian model stays positive definite.
            if (sy > 1e-12 * Math.Sqrt(ss * yy))
            {
                newest = (newest + 1) % Memory;
                s[newest] ??= new double[d];
                y[newest] ??= new double[d];
                for (int i = 0; i < d; i++)
                {
                    s[newest][i] = trial[i] - w[i];
                    y[newest][i] = gTrial[i] - g[i];
                }
                rho[newest] = 1.0 / sy;
                stored = Math.Min(stored + 1, Memory);
            }
            bool small = f - fTrial <= 1e-10 * Math.Max(1.0, Math.Abs(f));
            (w, trial) = (trial, w);
            (g, gTrial) = (gTrial, g);
            f = fTrial;
            if (small) break;
        }
        return (f, gradients, w);
    }

    /// <summary>
    /// Bisection on k (assuming the re-optimised loss falls as k grows, as it does along the magnitude order in practice)
    /// for the smallest k whose re-optimised loss increase is ≤ ε.
    /// </summary>
    public static RetrainedLimit FindLimit(MlpObjective objective, MagnitudeProfile profile, double baseLoss, double epsilon,
        int maxIterations, IProgress<double>? progress, CancellationToken cancellationToken)
    {
        int dp = profile.PrunableCount;
        var pruned = new double[profile.Count];
        var keep = new bool[profile.Count];
        long gradients = 0;
        var steps = new List<(int, double)>();
        double Increase(int k)
        {
            profile.Prune(k, pruned);
            profile.FillKeepMask(k, keep);
            var (loss, used, _) = Minimize(objective, pruned, keep, maxIterations, cancellationToken);
            gradients += used;
            steps.Add((k, loss - baseLoss));
            return loss - baseLoss;
        }
        int lo = 0, hi = dp;   // invariant: Increase(hi) ≤ ε (k = D_p is w* itself, re-optimised from there)
        if (Increase(0) <= epsilon) hi = 0;
        int expected = (int)Math.Ceiling(Math.Log2(Math.Max(2, dp))) + 1;
        while (hi - lo > 1)
        {
            int mid = lo + (hi - lo) / 2;
            if (Increase(mid) <= epsilon) hi = mid; else lo = mid;
            progress?.Report(Math.Min(1.0, (double)steps.Count / expected));
        }
        return new RetrainedLimit((double)hi / dp, hi, gradients, steps);
    }

    private static void Mask(double[] v, bool[] keep)
    {
        for (int i = 0; i < v.Length; i++) if (!keep[i]) v[i] = 0;
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }

    private static void Axpy(double a, double[] x, double[] y)
    {
        for (int i = 0; i < x.Length; i++) y[i] += a * x[i];
    }

    private static double Norm(double[] a) => Math.Sqrt(Dot(a, a));
}
