using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Pruning;

public class PhaseTransitionTests
{
    /// <summary>
    /// Independent fixed point: scan integer k for the first k with k/D_p ≥ 1 − W(R(k))/D_p (R from a fresh sort),
    /// then interpolate the sign change of h(k) = k/D_p − g(k) linearly between k − 1 and k.
    /// </summary>
    private static double IndependentFixedPoint(double[] w, double[] lambda, double epsilon, bool[]? prunable = null,
        bool clip = false, bool tangent = false)
    {
        int d = w.Length;
        var mags = Enumerable.Range(0, d).Where(i => prunable?[i] ?? true).Select(i => Math.Abs(w[i])).OrderBy(a => a).ToArray();
        int dp = mags.Length;
        double R(int k) => Math.Sqrt(mags.Take(dp - k).Sum(a => a * a));
        double G(int k)
        {
            double r2 = R(k) * R(k), width = 0;
            foreach (double l in lambda)
            {
                double a = (clip ? Math.Max(l, 0) : Math.Abs(l)) * r2;
                width += tangent ? Math.Min(1.0, a == 0 ? 1.0 : 2 * epsilon / a) : 2 * epsilon / (2 * epsilon + a);
            }
            return Math.Clamp(1 - width / dp, 0, 1);
        }
        double H(int k) => (double)k / dp - G(k);
        if (H(0) >= 0) return 0;
        for (int k = 1; k <= dp; k++)
        {
            double hk = H(k);
            if (hk >= 0)
            {
                double hPrev = H(k - 1);
                return (k - 1 + (-hPrev) / (hk - hPrev)) / dp;
            }
        }
        return 1;
    }

    private static double[] Spectrum(int n, int seed, int negatives = 0, int zeros = 0)
    {
        var l = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u = CounterRandom.Uniform(seed, 3, i);
            l[i] = i < zeros ? 0.0 : i < zeros + negatives ? -0.05 * u : Math.Pow(10, -3 + 4 * u) * (i % 50 == 0 ? 30 : 1);
        }
        return l;
    }

    [TestCase(200, 1e-3)]
    [TestCase(500, 1e-2)]
    [TestCase(500, 1e-1)]
    [TestCase(1000, 1.0)]
    public void Exact_MatchesIndependentFixedPoint(int n, double epsilon)
    {
        double[] w = PruningTestData.Gaussian(n, n, 1, scale: 0.1);
        double[] lambda = Spectrum(n, n, negatives: n / 10, zeros: n / 20);
        var estimate = PhaseTransition.Estimate(w, lambda, epsilon);
        double expected = IndependentFixedPoint(w, lambda, epsilon);
        TestContext.Out.WriteLine($"D = {n}, ε = {epsilon}: ρ* = {estimate.KeptFraction:F6}, independent {expected:F6}");
        Assert.That(estimate.KeptFraction, Is.EqualTo(expected).Within(1e-3));
        Assert.That(estimate.KeptFraction, Is.InRange(0.01, 0.99), "the case exercises an interior fixed point");
        Assert.That(estimate.PrunedFraction, Is.EqualTo(1 - estimate.KeptFraction));
        Assert.That(estimate.KeptCount, Is.EqualTo((int)Math.Ceiling(estimate.KeptFraction * n - 1e-9)));
        Assert.That(estimate.ProjectionDistance, Is.EqualTo(new MagnitudeProfile(w).Distance(estimate.KeptFraction)));
        Assert.That(estimate.WidthAtTransition.StandardError, Is.Zero);
    }

    [Test]
    public void Variants_MatchIndependentFixedPoint_WithPrunableMask()
    {
        const int n = 400;
        double[] w = PruningTestData.Gaussian(n, 5, 1, scale: 0.2);
        double[] lambda = Spectrum(n, 6, negatives: 40);
        bool[] prunable = Enumerable.Range(0, n).Select(i => i % 10 != 0).ToArray();
        foreach (var (clip, tangent) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            var options = new PhaseTransitionOptions
            {
                Prunable = prunable,
                NegativeCurvature = clip ? NegativeCurvature.Clip : NegativeCurvature.Absolute,
                Width = tangent ? WidthApproximation.Tangent : WidthApproximation.Paper,
            };
            var estimate = PhaseTransition.Estimate(w, lambda, 0.05, options);
            Assert.That(estimate.PrunableCount, Is.EqualTo(360));
            Assert.That(estimate.KeptFraction, Is.EqualTo(IndependentFixedPoint(w, lambda, 0.05, prunable, clip, tangent)).Within(1e-3), $"clip {clip}, tangent {tangent}");
        }
    }

    [Test]
    public void Orderings_FollowTheTheory()
    {
        const int n = 600;
        double[] w = PruningTestData.Gaussian(n, 7, 1, scale: 0.1);
        double[] lambda = Spectrum(n, 8, negatives: 60);
        double Rho(double[] ww, double[] ll, double eps, PhaseTransitionOptions? o = null) => PhaseTransition.Estimate(ww, ll, eps, o).KeptFraction;
        double baseline = Rho(w, lambda, 0.01);
        Assert.Multiple(() =>
        {
            Assert.That(Rho(w, lambda.Select(l => 0.3 * l).ToArray(), 0.01), Is.LessThan(baseline), "flatter Hessian ⇒ more pruning");
            Assert.That(Rho(w.Select(v => 0.5 * v).ToArray(), lambda, 0.01), Is.LessThan(baseline), "smaller weights ⇒ more pruning");
            Assert.That(Rho(w, lambda, 0.1), Is.LessThan(baseline), "larger ε ⇒ more pruning");
            Assert.That(Rho(w, lambda, 0.01, new() { NegativeCurvature = NegativeCurvature.Clip }), Is.LessThanOrEqualTo(baseline), "clipping flattens");
            Assert.That(Rho(w, lambda, 0.01, new() { Width = WidthApproximation.Tangent }), Is.LessThanOrEqualTo(baseline), "W_t ≥ W");
        });
    }

    [Test]
    public void Band_Curve_AndTraceBound_AreConsistent()
    {
        const int n = 800;
        double[] w = PruningTestData.Gaussian(n, 9, 1, scale: 0.1);
        double[] lambda = Spectrum(n, 10);
        var e = PhaseTransition.Estimate(w, lambda, 0.02);
        Assert.That(e.KeptFractionLower, Is.LessThanOrEqualTo(e.KeptFraction));
        Assert.That(e.KeptFractionUpper, Is.GreaterThanOrEqualTo(e.KeptFraction));
        Assert.That(e.KinematicHalfWidth, Is.EqualTo(Math.Sqrt(8 * Math.Log(4 / 0.05)) * Math.Sqrt(n)).Within(1e-9));
        Assert.That(e.Curve, Has.Count.GreaterThanOrEqualTo(101));
        Assert.That(e.Curve[0].KeptFraction, Is.Zero);
        Assert.That(e.Curve[^1].KeptFraction, Is.EqualTo(1.0));
        for (int i = 1; i < e.Curve.Count; i++)
        {
            Assert.That(e.Curve[i].PredictedKeptFraction, Is.LessThanOrEqualTo(e.Curve[i - 1].PredictedKeptFraction + 1e-15), "g is non-increasing");
            bool below = e.Curve[i].KeptFraction < e.KeptFraction;
            if (below) Assert.That(e.Curve[i].PredictedKeptFraction, Is.GreaterThanOrEqualTo(e.Curve[i].KeptFraction - 1e-12));
            else Assert.That(e.Curve[i].PredictedKeptFraction, Is.LessThanOrEqualTo(e.Curve[i].KeptFraction + 1e-12));
        }
        Assert.That(e.KeptFraction, Is.LessThanOrEqualTo(e.TraceBound + 1e-12), "Jensen bound");
        Assert.That(e.WidthAtTransition.Value, Is.EqualTo(n * (1 - e.KeptFraction)).Within(1e-6 * n), "fixed point: W = D_p (1 − ρ*)");
    }

    [Test]
    public void Quadrature_FromExactEigenvalues_GivesTheExactAnswer()
    {
        const int n = 300;
        double[] w = PruningTestData.Gaussian(n, 11, 1, scale: 0.1);
        double[] lambda = Spectrum(n, 12, negatives: 10);
        var exact = PhaseTransition.Estimate(w, lambda, 0.05);
        var fromQuadrature = PhaseTransition.Estimate(w, SpectralQuadrature.FromEigenvalues(lambda), 0.05);
        Assert.That(fromQuadrature.KeptFraction, Is.EqualTo(exact.KeptFraction).Within(1e-12));
    }

    [Test]
    public void Operator_Slq_AgreesWithExactSpectrum_AndTheBandCoversIt()
    {
        const int n = 400;
        double[] lambda = Spectrum(n, 13, negatives: 20, zeros: 40);
        var h = new DenseSymmetricOperator(PruningTestData.WithSpectrum(lambda, 14));
        double[] w = PruningTestData.Gaussian(n, 15, 1, scale: 0.1);
        var progress = new List<double>();
        var options = new PhaseTransitionOptions { Spectrum = new SlqOptions { Probes = 10, Steps = 60, Seed = 3 } };
        foreach (double epsilon in new[] { 0.003, 0.03, 0.3 })
        {
            var exact = PhaseTransition.Estimate(w, lambda, epsilon);
            var slq = PhaseTransition.Estimate(w, h, epsilon, options, new SynchronousProgress(progress.Add));
            TestContext.Out.WriteLine($"ε = {epsilon}: exact {exact.KeptFraction:F4}, SLQ {slq.KeptFraction:F4} ± SE(W) {slq.WidthAtTransition.StandardError:F2}, band [{slq.KeptFractionLower:F4}, {slq.KeptFractionUpper:F4}]");
            Assert.That(slq.KeptFraction, Is.EqualTo(exact.KeptFraction).Within(0.02));
            Assert.That(exact.KeptFraction, Is.InRange(slq.KeptFractionLower, slq.KeptFractionUpper));
            Assert.That(slq.OperatorApplications, Is.LessThanOrEqualTo(600));
            Assert.That(slq.Spectrum, Is.Not.Null);
            // The cached spectrum reproduces the estimate without new products.
            Assert.That(PhaseTransition.Estimate(w, slq.Spectrum!, epsilon, options).KeptFraction, Is.EqualTo(slq.KeptFraction));
        }
        Assert.That(progress, Is.Not.Empty);
        Assert.That(progress[^1], Is.EqualTo(1.0));
        Assert.That(progress, Is.All.InRange(0.0, 1.0));
    }

    [Test]
    public void Operator_IsBitwiseDeterministic_ForASeed()
    {
        const int n = 200;
        double[] lambda = Spectrum(n, 16);
        double[] w = PruningTestData.Gaussian(n, 17, 1, scale: 0.1);
        var options = new PhaseTransitionOptions { Spectrum = new SlqOptions { Probes = 4, Steps = 30, Seed = 9 } };
        var a = PhaseTransition.Estimate(w, new DenseSymmetricOperator(PruningTestData.WithSpectrum(lambda, 18)), 0.01, options);
        var b = PhaseTransition.Estimate(w, new DenseSymmetricOperator(PruningTestData.WithSpectrum(lambda, 18), 1), 0.01, options);
        Assert.That(BitConverter.DoubleToInt64Bits(a.KeptFraction), Is.EqualTo(BitConverter.DoubleToInt64Bits(b.KeptFraction)));
        Assert.That(BitConverter.DoubleToInt64Bits(a.KeptFractionLower), Is.EqualTo(BitConverter.DoubleToInt64Bits(b.KeptFractionLower)));
    }

    [Test]
    public void Cancellation_IsHonoured()
    {
        var h = new DiagonalOperator(Spectrum(100, 19));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.That(() => PhaseTransition.Estimate(new double[100].Select((_, i) => 1.0 + i).ToArray(), h, 0.1, null, null, cts.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public void BadInput_Throws_BeforeAnyProduct()
    {
        var counted = new DiagonalOperator([1.0, 2.0, 3.0]).Counting();
        double[] w = [1, 2, 3];
        double[] l = [1, 2, 3];
        Assert.Multiple(() =>
        {
            Assert.That(() => PhaseTransition.Estimate(w, l, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("epsilon"));
            Assert.That(() => PhaseTransition.Estimate(w, l, -1), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => PhaseTransition.Estimate(w, l, double.PositiveInfinity), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => PhaseTransition.Estimate([1, double.NaN, 3], l, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("weights"));
            Assert.That(() => PhaseTransition.Estimate(w, [1.0, 2.0], 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("eigenvalues"));
            Assert.That(() => PhaseTransition.Estimate(w, [1.0, double.NaN, 2.0], 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("eigenvalues"));
            Assert.That(() => PhaseTransition.Estimate([], Array.Empty<double>(), 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("weights"));
            Assert.That(() => PhaseTransition.Estimate(w, l, 1, new() { Prunable = [false, false, false] }), Throws.ArgumentException.With.Property("ParamName").EqualTo("prunable"));
            Assert.That(() => PhaseTransition.Estimate(w, l, 1, new() { Prunable = [true] }), Throws.ArgumentException.With.Property("ParamName").EqualTo("Prunable"));
            Assert.That(() => PhaseTransition.Estimate(w, l, 1, new() { Eta = 1.5 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("Eta"));
            Assert.That(() => PhaseTransition.Estimate(w, l, 1, new() { ZeroEigenvalueFraction = -0.1 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("ZeroEigenvalueFraction"));
            Assert.That(() => PhaseTransition.Estimate([1.0, 2.0], counted, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("weights"));
            Assert.That(() => PhaseTransition.Estimate(w, counted, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => PhaseTransition.Estimate(w, (ISymmetricOperator)null!, 1), Throws.ArgumentNullException);
        });
        Assert.That(counted.Applications, Is.Zero);
    }

    private sealed class SynchronousProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}

public class PruningLimitMonitorTests
{
    [Test]
    public void Updates_StayWithinBudget_AndTrackTheExactLimit()
    {
        const int n = 300;
        double[] lambda = Enumerable.Range(0, n).Select(i => Math.Pow(10, -3 + 4.0 * i / n)).ToArray();
        var monitor = new PruningLimitMonitor(epsilon: 0.02, interval: 2, maxOperatorApplications: 120);
        Assert.That(monitor.Options.Spectrum!.Probes * monitor.Options.Spectrum.Steps, Is.LessThanOrEqualTo(120));
        for (int step = 0; step < 6; step++)
        {
            if (!monitor.ShouldUpdate(step)) continue;
            // "Training" shrinks the weights: the limit must fall.
            double[] w = PruningTestData.Gaussian(n, 1, 1, scale: 0.2 / (1 + step));
            var h = new DenseSymmetricOperator(PruningTestData.WithSpectrum(lambda, 2));
            var e = monitor.Update(step, w, h);
            Assert.That(e.OperatorApplications, Is.LessThanOrEqualTo(120));
            Assert.That(e.KeptFraction, Is.EqualTo(PhaseTransition.Estimate(w, lambda, 0.02).KeptFraction).Within(0.03));
        }
        Assert.That(monitor.History.Select(h => h.Step), Is.EqualTo(new[] { 0, 2, 4 }));
        Assert.That(monitor.History.Select(h => h.Estimate.KeptFraction), Is.Ordered.Descending);
        Assert.That(monitor.TotalOperatorApplications, Is.EqualTo(monitor.History.Sum(h => h.Estimate.OperatorApplications)));
        Assert.That(() => new PruningLimitMonitor(0.1, interval: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("interval"));
        Assert.That(() => new PruningLimitMonitor(0.1, maxOperatorApplications: 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("maxOperatorApplications"));
    }
}
