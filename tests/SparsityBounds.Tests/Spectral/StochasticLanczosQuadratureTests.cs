using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Spectral;

[TestFixture]
public sealed class StochasticLanczosQuadratureTests
{
    private const int Dimension = 400;
    private static readonly double[] Spectrum = TestSpectra.HessianLike(Dimension, seed: 1);
    private static readonly Lazy<DenseSymmetricOperator> HessianLike = new(() => TestSpectra.Dense(Spectrum, seed: 2));

    private static Func<double, double> Saturation(double mu) => x => Math.Abs(x) / (Math.Abs(x) + mu);

    /// <summary>f and its name: x, x², and |x|/(|x|+μ) for μ over four decades.</summary>
    private static IEnumerable<TestCaseData> Functions()
    {
        yield return new TestCaseData("x", (Func<double, double>)(x => x)).SetName("SpectralSum_x");
        yield return new TestCaseData("x²", (Func<double, double>)(x => x * x)).SetName("SpectralSum_x2");
        foreach (double mu in new[] { 1e-2, 1e-1, 1.0, 10.0 })
            yield return new TestCaseData($"|x|/(|x|+{mu})", Saturation(mu)).SetName($"SpectralSum_saturation_mu_{mu}");
    }

    [TestCaseSource(nameof(Functions)), Category("Statistical")]
    public void SpectralSum_MatchesDenseSpectrum_WithinFourStandardErrors(string name, Func<double, double> f)
    {
        // Bulk + outliers (40, 15, 7, −3), a negative bulk and 30% exact zeros; 40 probes × 100 steps.
        SpectralQuadrature q = StochasticLanczosQuadrature.Estimate(HessianLike.Value, new SlqOptions { Probes = 40, Steps = 100, Seed = 3 });
        double truth = Spectrum.Sum(f);
        StatisticalEstimate estimate = q.SpectralSum(f);
        Assert.That(estimate.Samples, Is.EqualTo(40));
        Assert.That(estimate.StandardError, Is.GreaterThan(0).And.LessThan(0.5 * Math.Abs(truth)), name);
        Assert.That(Math.Abs(estimate.Value - truth), Is.LessThanOrEqualTo(4 * estimate.StandardError),
            $"{name}: estimate {estimate} vs truth {truth}");
    }

    [Test, Category("Statistical")]
    public void SpectralSum_ErrorShrinksAsProbesGrow()
    {
        // 512 independent probes split into disjoint groups of 4, 16 and 64: each group mean is an n_v-probe SLQ
        // estimate. Their root-mean-square error should fall like 1/√n_v (×2 per step; asserted ≥ ×1.4).
        int n = 200;
        double[] spectrum = TestSpectra.HessianLike(n, seed: 4);
        var op = TestSpectra.Dense(spectrum, seed: 5);
        var q = StochasticLanczosQuadrature.Estimate(op, new SlqOptions { Probes = 512, Steps = 80, Seed = 100 });
        Func<double, double>[] functions = [x => x, x => x * x, Saturation(0.1)];
        foreach (Func<double, double> f in functions)
        {
            double truth = spectrum.Sum(f);
            var sums = new double[512];
            q.ProbeSums(f, sums);
            int[] sizes = [4, 16, 64];
            var rms = new double[sizes.Length];
            for (int k = 0; k < sizes.Length; k++)
            {
                int groups = 512 / sizes[k];
                double sumSquares = 0;
                for (int g = 0; g < groups; g++)
                {
                    double error = sums.AsSpan(g * sizes[k], sizes[k]).ToArray().Average() - truth;
                    sumSquares += error * error;
                }
                rms[k] = Math.Sqrt(sumSquares / groups);
            }
            TestContext.Out.WriteLine($"RMS error at 4/16/64 probes: {rms[0]:G3} {rms[1]:G3} {rms[2]:G3} (truth {truth:G6})");
            Assert.That(rms[1], Is.LessThan(rms[0] / 1.4));
            Assert.That(rms[2], Is.LessThan(rms[1] / 1.4));
        }
    }

    [Test]
    public void ProbeSums_OfLowDegreePolynomials_EqualTheHutchinsonSamplesExactly()
    {
        // Gauss quadrature with m nodes integrates degree ≤ 2m − 1 exactly: D Σ τ θ = zᵀAz and D Σ τ θ² = ‖Az‖².
        var op = HessianLike.Value;
        var q = StochasticLanczosQuadrature.Estimate(op, new SlqOptions { Probes = 5, Steps = 12, Seed = 9 });
        var linear = new double[5];
        var quadratic = new double[5];
        q.ProbeSums(x => x, linear);
        q.ProbeSums(x => x * x, quadratic);
        var z = new double[Dimension];
        var az = new double[Dimension];
        for (int l = 0; l < 5; l++)
        {
            CounterRandom.FillRademacher(9, l, z);
            op.Apply(z, az);
            double zAz = 0, azAz = 0;
            for (int i = 0; i < Dimension; i++) { zAz += z[i] * az[i]; azAz += az[i] * az[i]; }
            Assert.That(linear[l], Is.EqualTo(zAz).Within(1e-10 * 40 * Dimension));
            Assert.That(quadratic[l], Is.EqualTo(azAz).Within(1e-10 * 1600 * Dimension));
        }
    }

    [Test]
    public void DenseOperatorWithFewDistinctEigenvalues_QuadratureIsExactPerProbe()
    {
        // 7 distinct eigenvalues (zeros, negatives, a near-zero value) and 30 steps: each probe's quadrature equals
        // zᵀ f(A) z for any f, checked against Q f(Λ) Qᵀ. (Rounding in Q Λ Qᵀ splits each multiple eigenvalue by
        // ~1e-14, so the Krylov space is not numerically invariant after 7 steps; the extra steps resolve the split.)
        int n = 150;
        double[] distinct = [-2.0, -0.01, 0.0, 1e-3, 0.5, 4.0, 25.0];
        double[] spectrum = Enumerable.Range(0, n).Select(i => distinct[i % distinct.Length]).ToArray();
        var op = TestSpectra.Dense(spectrum, seed: 6);
        Matrix<double> orthogonal = TestSpectra.RandomOrthogonal(n, seed: 6);
        var q = StochasticLanczosQuadrature.Estimate(op, new SlqOptions { Probes = 6, Steps = 30, Seed = 7 });
        Assert.That(q.OperatorApplications, Is.EqualTo(q.StepsPerProbe.Sum()));

        Func<double, double>[] functions = [Saturation(1e-4), Math.Exp, x => x >= -0.1 && x <= 0.6 ? 1 : 0];
        foreach (Func<double, double> f in functions)
        {
            Matrix<double> fa = orthogonal * Matrix<double>.Build.DenseOfDiagonalArray(spectrum.Select(f).ToArray()) * orthogonal.Transpose();
            var sums = new double[6];
            q.ProbeSums(f, sums);
            for (int l = 0; l < 6; l++)
            {
                var z = new double[n];
                CounterRandom.FillRademacher(7, l, z);
                var zv = Vector<double>.Build.DenseOfArray(z);
                double expected = zv.DotProduct(fa * zv);
                Assert.That(sums[l], Is.EqualTo(expected).Within(1e-9 * fa.L2Norm() * n), $"probe {l}");
            }
        }
    }

    [Test]
    public void DiagonalOperatorWithFewDistinctValues_GivesExactSumsCountsAndDensity()
    {
        // For A diagonal and Rademacher probes, z_i² = 1, so every probe's quadrature is the exact spectral sum.
        double[] distinct = [-1.0, 0.0, 0.25, 2.0, 9.0];
        int n = 1000;
        double[] diagonal = Enumerable.Range(0, n).Select(i => distinct[(3 * i + 1) % distinct.Length]).ToArray();
        var q = StochasticLanczosQuadrature.Estimate(new DiagonalOperator(diagonal), new SlqOptions { Probes = 3, Steps = 20, Seed = 1 });
        Assert.That(q.StepsPerProbe, Has.All.EqualTo(distinct.Length), "an invariant subspace after one step per distinct value");
        Assert.That(q.InvariantSubspaceFound, Has.All.True);
        Assert.That(q.OperatorApplications, Is.EqualTo(3 * distinct.Length));
        for (int k = 0; k < distinct.Length; k++) Assert.That(q.Nodes(1)[k], Is.EqualTo(distinct[k]).Within(1e-13 * 9));
        // The node at 0 carries roundoff of order ε‖A‖ (≈ 2e-15 here), which the saturation at μ = 1e-6 amplifies by 1/μ.
        double nodeRoundoff = 4 * Math.Pow(2, -52) * 9;
        foreach (var (f, lipschitz) in new (Func<double, double>, double)[] { (Saturation(1e-6), 1e6), (Math.Sin, 1), (x => x * x * x, 243) })
        {
            StatisticalEstimate s = q.SpectralSum(f);
            Assert.That(s.Value, Is.EqualTo(diagonal.Sum(f)).Within(1e-10 * n + n * lipschitz * nodeRoundoff));
            Assert.That(s.StandardError, Is.LessThan(1e-9 * n));
        }
        StatisticalEstimate count = q.EigenvalueCount(-0.5, 1.0);
        Assert.That(count.Value, Is.EqualTo(diagonal.Count(x => x >= -0.5 && x <= 1)).Within(1e-9));

        double width = 0.3;
        double[] grid = [-2, -1, -0.5, 0, 0.1, 1, 5, 9, 12];
        var density = new double[grid.Length];
        q.Density(grid, width, density);
        for (int g = 0; g < grid.Length; g++)
        {
            double expected = diagonal.Sum(l => Math.Exp(-0.5 * Math.Pow((grid[g] - l) / width, 2))) / (n * width * Math.Sqrt(2 * Math.PI));
            Assert.That(density[g], Is.EqualTo(expected).Within(1e-12));
        }
    }

    [Test]
    public void QuadratureError_ForSharpFunctions_ShrinksWithSteps()
    {
        // |x|/(|x|+μ) with μ = 1e-3 is nearly a step at the 30% zero mass: the bias comes from the quadrature,
        // not the probes, and falls as Lanczos resolves the eigenvalues near zero.
        double truth = Spectrum.Sum(Saturation(1e-3));
        double[] errors = new double[3];
        int[] steps = [30, 100, 250];
        for (int k = 0; k < steps.Length; k++)
        {
            var q = StochasticLanczosQuadrature.Estimate(HessianLike.Value, new SlqOptions { Probes = 10, Steps = steps[k], Seed = 3 });
            errors[k] = Math.Abs(q.SpectralSum(Saturation(1e-3)).Value - truth);
        }
        TestContext.Out.WriteLine($"|error| at 30/100/250 steps: {errors[0]:G3} {errors[1]:G3} {errors[2]:G3} (truth {truth:G6})");
        Assert.That(errors[1], Is.LessThan(errors[0] / 2));
        Assert.That(errors[2], Is.LessThan(errors[1]));
    }

    [Test, Category("Statistical")]
    public void EigenvalueCount_OfOutliers_AndDensity_Integrate()
    {
        var q = StochasticLanczosQuadrature.Estimate(HessianLike.Value, new SlqOptions { Probes = 40, Steps = 100, Seed = 11 });
        StatisticalEstimate above = q.EigenvalueCount(5.0, double.PositiveInfinity); // 7, 15, 40
        StatisticalEstimate below = q.EigenvalueCount(double.NegativeInfinity, -1.0); // −3
        Assert.That(Math.Abs(above.Value - 3), Is.LessThanOrEqualTo(4 * above.StandardError), above.ToString());
        Assert.That(Math.Abs(below.Value - 1), Is.LessThanOrEqualTo(4 * below.StandardError), below.ToString());
        StatisticalEstimate all = q.EigenvalueCount(double.NegativeInfinity, double.PositiveInfinity);
        Assert.That(all.Value, Is.EqualTo(Dimension).Within(1e-9 * Dimension));

        double[] grid = q.DensityGrid(20_000);
        var density = new double[grid.Length];
        q.Density(grid, density);
        double integral = 0;
        for (int i = 1; i < grid.Length; i++) integral += 0.5 * (density[i] + density[i - 1]) * (grid[i] - grid[i - 1]);
        // Half of each extreme node's Gaussian lies beyond the grid ends (as in the reference code): ≈ 2 × ½ × 1/D lost.
        Assert.That(integral, Is.EqualTo(1.0).Within(5e-3));
        Assert.That(q.DefaultDensityWidth, Is.EqualTo(Math.Sqrt(1e-5 * (grid[^1] - grid[0]))).Within(1e-15));
    }

    [Test, Category("Statistical")]
    public void WithoutReorthogonalization_SumsStayAccurate()
    {
        SpectralQuadrature q = StochasticLanczosQuadrature.Estimate(HessianLike.Value,
            new SlqOptions { Probes = 40, Steps = 100, Seed = 3, Reorthogonalization = Reorthogonalization.None });
        Assert.That(q.Reorthogonalization, Is.EqualTo(Reorthogonalization.None));
        foreach (Func<double, double> f in new[] { x => x * x, Saturation(0.1), Saturation(1.0) })
        {
            double truth = Spectrum.Sum(f);
            StatisticalEstimate e = q.SpectralSum(f);
            Assert.That(Math.Abs(e.Value - truth), Is.LessThanOrEqualTo(4 * e.StandardError), $"{e} vs {truth}");
        }
    }

    [Test]
    public void SameSeed_IsBitwiseIdentical_DifferentSeedIsNot()
    {
        var options = new SlqOptions { Probes = 4, Steps = 25, Seed = 42 };
        var a = StochasticLanczosQuadrature.Estimate(HessianLike.Value, options);
        var b = StochasticLanczosQuadrature.Estimate(HessianLike.Value, options);
        var c = StochasticLanczosQuadrature.Estimate(HessianLike.Value, options with { Seed = 43 });
        for (int l = 0; l < 4; l++)
        {
            Assert.That(a.Nodes(l).ToArray(), Is.EqualTo(b.Nodes(l).ToArray()));
            Assert.That(a.Weights(l).ToArray(), Is.EqualTo(b.Weights(l).ToArray()));
        }
        Assert.That(a.SpectralSum(Math.Abs), Is.EqualTo(b.SpectralSum(Math.Abs)));
        Assert.That(c.Nodes(0).ToArray(), Is.Not.EqualTo(a.Nodes(0).ToArray()));
    }

    [Test]
    public void Results_DoNotDependOnTheOperatorsThreadCount()
    {
        // D = 600 is above the dense operator's parallel threshold: one thread and all cores must agree bitwise.
        double[,] a = TestSpectra.WithSpectrum(TestSpectra.HessianLike(600, seed: 12), seed: 13);
        var options = new SlqOptions { Probes = 3, Steps = 30, Seed = 5 };
        var serial = StochasticLanczosQuadrature.Estimate(new DenseSymmetricOperator(a, maxDegreeOfParallelism: 1), options);
        var parallel = StochasticLanczosQuadrature.Estimate(new DenseSymmetricOperator(a, maxDegreeOfParallelism: -1), options);
        for (int l = 0; l < 3; l++)
        {
            Assert.That(parallel.Nodes(l).ToArray(), Is.EqualTo(serial.Nodes(l).ToArray()));
            Assert.That(parallel.Weights(l).ToArray(), Is.EqualTo(serial.Weights(l).ToArray()));
        }
    }

    [Test]
    public void ZeroOperator_GivesZeroSums()
    {
        var q = StochasticLanczosQuadrature.Estimate(new DiagonalOperator(new double[50]), new SlqOptions { Probes = 2, Steps = 10 });
        Assert.That(q.StepsPerProbe, Has.All.EqualTo(1));
        Assert.That(q.InvariantSubspaceFound, Has.All.True);
        Assert.That(q.SpectralSum(x => x * x + 1).Value, Is.EqualTo(50.0).Within(1e-12));
        Assert.That(q.EigenvalueCount(0, 0).Value, Is.EqualTo(50.0).Within(1e-12));
    }

    [Test]
    public void Defaults_AreTenProbesOfHundredSteps_WithAutomaticReorthogonalization()
    {
        Assert.That(SlqOptions.Default.Probes, Is.EqualTo(10));
        Assert.That(SlqOptions.Default.Steps, Is.EqualTo(100));
        var q = StochasticLanczosQuadrature.Estimate(new DiagonalOperator(Enumerable.Range(1, 300).Select(i => (double)i).ToArray()));
        Assert.That(q.Probes, Is.EqualTo(10));
        Assert.That(q.StepsPerProbe, Has.All.EqualTo(100));
        Assert.That(q.Reorthogonalization, Is.EqualTo(Reorthogonalization.Full));   // a cache-sized basis
        Assert.That(StochasticLanczosQuadrature.ChooseReorthogonalization(100, 20_000), Is.EqualTo(Reorthogonalization.Full));
        Assert.That(StochasticLanczosQuadrature.ChooseReorthogonalization(100, 1_000_000), Is.EqualTo(Reorthogonalization.Partial));
        Assert.That(StochasticLanczosQuadrature.ChooseReorthogonalization(100, 5_000_000), Is.EqualTo(Reorthogonalization.Partial), "1 GB of 16-bit basis");
        Assert.That(StochasticLanczosQuadrature.ChooseReorthogonalization(100, 6_000_000), Is.EqualTo(Reorthogonalization.None));
    }

    [Test]
    public void BeyondTheCaches_A16BitBasisIsChosen_MatchingFloat32AndDoubleBases_ForAnyThreadCount()
    {
        // 80 steps × D = 30,000 doubles = 19.2 MB > 16 MiB: partial reorthogonalisation against a 16-bit basis.
        const int d = 30_000;
        double[] diagonal = Enumerable.Range(0, d).Select(i => i < 6 ? 40.0 / (i + 1) : 1.0 + Math.Sin(0.37 * i)).ToArray();
        var op = new DiagonalOperator(diagonal);
        SpectralQuadrature Run(BasisPrecision? storage, int threads = 0) => StochasticLanczosQuadrature.Estimate(op,
            new SlqOptions { Probes = 2, Steps = 80, Seed = 5, Reorthogonalization = storage is null ? null : Reorthogonalization.Partial, BasisPrecision = storage, MaxDegreeOfParallelism = threads });
        var auto = Run(null);
        var scaled = Run(BasisPrecision.Scaled16, threads: 1);
        var single = Run(BasisPrecision.Single);
        var dbl = Run(BasisPrecision.Double);
        Assert.That(auto.Reorthogonalization, Is.EqualTo(Reorthogonalization.Partial));
        for (int l = 0; l < 2; l++)
        {
            Assert.That(auto.Nodes(l).ToArray(), Is.EqualTo(scaled.Nodes(l).ToArray()), "automatic = explicit 16-bit basis, bitwise, 1 thread vs all");
            Assert.That(auto.Nodes(l).ToArray(), Is.Not.EqualTo(single.Nodes(l).ToArray()), "a different (float32) basis really was used");
        }
        // Semi-orthogonality at the 16-bit trigger level ω = 3000·2⁻¹⁵/√D = 5.7e-4 keeps T_m the projection of A to O(ω²‖A‖).
        foreach (Func<double, double> f in new Func<double, double>[] { x => x, x => x * x, Saturation(0.01) })
        {
            double b = dbl.SpectralSum(f).Value;
            Assert.That(single.SpectralSum(f).Value, Is.EqualTo(b).Within(1e-9 * Math.Abs(b)));
            Assert.That(auto.SpectralSum(f).Value, Is.EqualTo(b).Within(1e-6 * Math.Abs(b)));
        }
        Assert.That(() => StochasticLanczosQuadrature.Estimate(op, new SlqOptions { BasisPrecision = (BasisPrecision)9 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options").And.Message.Contains("9"));
    }

    [Test]
    public void BadArguments_AreRejected_AndCancellationIsHonoured()
    {
        var op = new CountingOperator(new DiagonalOperator([1.0, 2.0, 3.0, 4.0, 5.0]));
        Assert.That(() => StochasticLanczosQuadrature.Estimate(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("op"));
        Assert.That(() => StochasticLanczosQuadrature.Estimate(op, new SlqOptions { Probes = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options").And.Message.Contains("Probes").And.Message.Contains("got 0"));
        Assert.That(() => StochasticLanczosQuadrature.Estimate(op, new SlqOptions { Steps = -3 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("Steps").And.Message.Contains("got -3"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(() => StochasticLanczosQuadrature.Estimate(op, null, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(op.Applications, Is.Zero);

        using var midway = new CancellationTokenSource();
        var cancelling = new CountingOperator(HessianLike.Value, midway, cancelAt: 7);
        Assert.That(() => StochasticLanczosQuadrature.Estimate(cancelling, new SlqOptions { Probes = 3, Steps = 10 }, midway.Token),
            Throws.InstanceOf<OperationCanceledException>());
        Assert.That(cancelling.Applications, Is.EqualTo(7));
    }
}
