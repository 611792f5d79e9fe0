using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;

namespace SparsityBounds.Tests.Pruning;

public class MaskedReoptimizationTests
{
    private static ValueAndGradient Quadratic(double[,] a, double[] centre)
    {
        var m = Matrix<double>.Build.DenseOfArray(a);
        return (w, g) =>
        {
            var d = Vector<double>.Build.DenseOfEnumerable(w.ToArray().Select((v, i) => v - centre[i]));
            var ad = m * d;
            for (int i = 0; i < g.Length; i++) g[i] = ad[i];
            return 0.5 * d * ad;
        };
    }

    [Test]
    public void OnAQuadratic_ReachesTheCompensatedMinimum_AndKeepsPrunedWeightsAtZero()
    {
        const int n = 50;
        var a = PruningTestData.RandomSpd(n, 31, 0.2, 5);
        double[] w = PruningTestData.Gaussian(n, 32);
        bool[] keep = new MagnitudeProfile(w).KeepMask(0.5);
        var r = MaskedReoptimization.Minimize(Quadratic(a, w), w, keep, new ReoptimizationOptions { MaxIterations = 500, GradientTolerance = 1e-7 });
        var exact = SparseIntersection.Solve(new DenseSymmetricOperator(a), w, keep, 1.0);
        TestContext.Out.WriteLine($"iterations {r.Iterations}, evaluations {r.Evaluations}, value {r.Value:R} vs {exact.MinimumLossIncrease:R}, initial {r.InitialValue}");
        Assert.That(r.Converged, Is.True);
        Assert.That(r.Value, Is.EqualTo(exact.MinimumLossIncrease).Within(1e-8).Percent);
        Assert.That(r.Value, Is.LessThan(r.InitialValue));
        Assert.That(r.InitialValue, Is.EqualTo(exact.UncompensatedLossIncrease).Within(1e-10).Percent);
        for (int i = 0; i < n; i++)
            if (!keep[i]) Assert.That(r.Weights[i], Is.EqualTo(0.0));
            else Assert.That(r.Weights[i], Is.EqualTo(exact.Weights[i]).Within(1e-5));
    }

    [Test]
    public void OnANonQuadraticLoss_DecreasesTheLoss()
    {
        // f(w) = Σ log cosh(w_i − c_i) + 0.1 (Σ w_i)²: convex, smooth, not quadratic.
        double[] c = PruningTestData.Gaussian(40, 33);
        double F(ReadOnlySpan<double> w, Span<double> g)
        {
            double s = 0, f = 0;
            foreach (double v in w) s += v;
            for (int i = 0; i < w.Length; i++) { f += Math.Log(Math.Cosh(w[i] - c[i])); g[i] = Math.Tanh(w[i] - c[i]) + 0.2 * s; }
            return f + 0.1 * s * s;
        }
        bool[] keep = Enumerable.Range(0, 40).Select(i => i % 3 != 0).ToArray();
        var r = MaskedReoptimization.Minimize(F, c, keep);
        Assert.That(r.Value, Is.LessThan(r.InitialValue));
        Assert.That(r.Converged, Is.True);
        var g = new double[40];
        F(r.Weights, g);
        for (int i = 0; i < 40; i++) if (keep[i]) Assert.That(Math.Abs(g[i]), Is.LessThanOrEqualTo(1e-6), $"stationary in kept coordinate {i}");
    }

    [Test]
    public void ReoptimizedLimit_OnAQuadratic_EqualsTheIntersectionSolversLimit()
    {
        const int n = 40;
        var a = PruningTestData.RandomSpd(n, 34, 0.1, 3);
        double[] w = PruningTestData.Gaussian(n, 35);
        var options = new ReoptimizationOptions { MaxIterations = 400, GradientTolerance = 1e-11 };
        foreach (double epsilon in new[] { 0.05, 0.5 })
        {
            var measured = MeasuredPruning.ReoptimizedLimit(Quadratic(a, w), w, epsilon, reoptimization: options);
            var quadratic = SparseIntersection.FindLimit(new DenseSymmetricOperator(a), w, epsilon, default);
            Assert.That(measured.KeptCount, Is.EqualTo(quadratic.KeptCount), $"ε = {epsilon}");
            Assert.That(measured.Curve, Has.Count.EqualTo(21));
        }
    }

    [Test]
    public void BadInput_Throws()
    {
        ValueAndGradient f = (w, g) => 0.0;
        Assert.That(() => MaskedReoptimization.Minimize(f, [1.0, 2.0], [true]), Throws.ArgumentException.With.Property("ParamName").EqualTo("keep"));
        Assert.That(() => MaskedReoptimization.Minimize(f, [double.NaN], [true]), Throws.ArgumentException.With.Property("ParamName").EqualTo("start"));
        Assert.That(() => MaskedReoptimization.Minimize(f, [1.0], [true], new ReoptimizationOptions { MaxIterations = 0 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => MaskedReoptimization.Minimize((w, g) => double.NaN, [1.0], [true]), Throws.ArgumentException.With.Property("ParamName").EqualTo("objective"));
    }
}
