using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Pruning;

public class ZeroCurvatureTests
{
    private static double[] DiagonalWithZeros(int n, double zeroFraction, int seed) =>
        Enumerable.Range(0, n).Select(i => CounterRandom.Uniform(seed, 1, i) < zeroFraction ? 0.0 : 0.1 + CounterRandom.Uniform(seed, 2, i)).ToArray();

    [Test]
    public void SampleZeroRows_IsExact_WhenEveryRowIsInspected()
    {
        double[] d = DiagonalWithZeros(300, 0.3, 1);
        var estimate = ZeroCurvature.SampleZeroRows(new DiagonalOperator(d), samples: 1000, seed: 0);
        Assert.That(estimate.IsExact, Is.True);
        Assert.That(estimate.ZeroRows, Is.EqualTo(d.Count(v => v == 0)));
        Assert.That(estimate.Fraction, Is.EqualTo(d.Count(v => v == 0) / 300.0));
    }

    [Test]
    public void SampleZeroRows_IntervalCoversTheTruth_AtItsNominalRate()
    {
        double[] d = DiagonalWithZeros(2000, 0.25, 2);
        double truth = d.Count(v => v == 0) / 2000.0;
        var op = new DiagonalOperator(d);
        int covered = 0, trials = 60;
        double meanError = 0;
        for (int seed = 0; seed < trials; seed++)
        {
            var e = ZeroCurvature.SampleZeroRows(op, samples: 100, seed: seed);
            if (truth >= e.Lower && truth <= e.Upper) covered++;
            meanError += e.Fraction - truth;
        }
        meanError /= trials;
        TestContext.Out.WriteLine($"coverage {covered}/{trials}, mean error {meanError:F4}");
        // Nominal 95%: P(fewer than 51 of 60 covered) < 1% under a 95% coverage rate.
        Assert.That(covered, Is.GreaterThanOrEqualTo(51));
        // Unbiased: mean of 60 estimates with SE sqrt(p(1−p)/100/60) ≈ 0.0056.
        Assert.That(Math.Abs(meanError), Is.LessThan(4 * Math.Sqrt(truth * (1 - truth) / 100 / trials)));
    }

    [Test]
    public void CompressThenEmbed_RecoversTheFullSpectralSums()
    {
        const int n = 300;
        // H = diag(zero rows) ⊕ dense block: rows/cols of the zero coordinates are exactly zero.
        bool[] zero = Enumerable.Range(0, n).Select(i => CounterRandom.Uniform(5, 0, i) < 0.4).ToArray();
        int[] live = Enumerable.Range(0, n).Where(i => !zero[i]).ToArray();
        double[] blockEigenvalues = live.Select((_, k) => Math.Pow(10, -2 + 3 * CounterRandom.Uniform(5, 1, k)) * (k % 7 == 0 ? -1 : 1)).ToArray();
        var block = PruningTestData.WithSpectrum(blockEigenvalues, 6);
        var full = new double[n, n];
        for (int a = 0; a < live.Length; a++) for (int b = 0; b < live.Length; b++) full[live[a], live[b]] = block[a, b];
        var h = new DenseSymmetricOperator(full);

        var sampled = ZeroCurvature.SampleZeroRows(h, n, 0);
        Assert.That(sampled.ZeroRows, Is.EqualTo(n - live.Length));
        var compressed = ZeroCurvature.Compress(h, zero.Select(z => !z).ToArray());
        Assert.That(compressed.Dimension, Is.EqualTo(live.Length));
        // The compressed operator is the dense block.
        var dense = Matrix<double>.Build.DenseOfArray(compressed.ToDenseMatrix());
        Assert.That((dense - Matrix<double>.Build.DenseOfArray(block)).InfinityNorm(), Is.LessThan(1e-14));

        var spectrum = ZeroCurvature.EmbedZeroMass(StochasticLanczosQuadrature.Estimate(compressed, new SlqOptions { Probes = 8, Steps = 80, Seed = 1 }), n);
        Assert.That(spectrum.Dimension, Is.EqualTo(n));
        double[] all = [.. blockEigenvalues, .. Enumerable.Repeat(0.0, n - live.Length)];
        foreach (double r2 in new[] { 0.01, 1.0, 100.0 })
        {
            double exact = all.Sum(l => 0.02 / (0.02 + Math.Abs(l) * r2));
            var estimate = spectrum.SpectralSum(l => 0.02 / (0.02 + Math.Abs(l) * r2));
            Assert.That(estimate.Value, Is.EqualTo(exact).Within(Math.Max(4 * estimate.StandardError, 1e-9 * exact)), $"R² = {r2}");
        }
        Assert.That(spectrum.SpectralSum(_ => 1.0).Value, Is.EqualTo(n).Within(1e-9));
    }

    [Test]
    public void BadInput_Throws()
    {
        var op = new DiagonalOperator([1.0, 0.0]);
        Assert.That(() => ZeroCurvature.SampleZeroRows(op, 0, 1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("samples"));
        Assert.That(() => ZeroCurvature.SampleZeroRows(op, 5, 1, threshold: 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("threshold"));
        Assert.That(() => ZeroCurvature.Compress(op, [false, false]), Throws.ArgumentException.With.Property("ParamName").EqualTo("keep"));
        Assert.That(() => ZeroCurvature.Compress(op, [true]), Throws.ArgumentException.With.Property("ParamName").EqualTo("keep"));
    }
}
