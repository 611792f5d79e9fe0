using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Spectral;

[TestFixture]
public sealed class TraceEstimatorTests
{
    private static readonly double[] Spectrum = TestSpectra.HessianLike(300, seed: 21);
    private static readonly Lazy<DenseSymmetricOperator> Operator = new(() => TestSpectra.Dense(Spectrum, seed: 22));

    // λ_i = 0.8^i: 98% of the trace sits in the top 20 eigenvalues.
    private static readonly double[] Decaying = Enumerable.Range(0, 300).Select(i => Math.Pow(0.8, i)).ToArray();
    private static readonly Lazy<DenseSymmetricOperator> DecayingOperator = new(() => TestSpectra.Dense(Decaying, seed: 23));

    [Test, Category("Statistical")]
    public void Hutchinson_ConvergesToTrace_UsingExactlyTheSampleCount()
    {
        var op = new CountingOperator(Operator.Value);
        StatisticalEstimate estimate = TraceEstimator.Hutchinson(op, samples: 400, seed: 1);
        Assert.That(op.Applications, Is.EqualTo(400));
        Assert.That(estimate.Samples, Is.EqualTo(400));
        double truth = Spectrum.Sum();
        Assert.That(Math.Abs(estimate.Value - truth), Is.LessThanOrEqualTo(4 * estimate.StandardError), $"{estimate} vs {truth}");
        // Variance per Rademacher sample is 2(‖A‖_F² − Σ a_ii²) ≤ 2‖A‖_F²: the reported SE must be of that order.
        double frobeniusSquared = Spectrum.Sum(x => x * x);
        Assert.That(estimate.StandardError, Is.LessThan(Math.Sqrt(2 * frobeniusSquared / 400) * 1.3));
    }

    [Test]
    public void Hutchinson_IsExactForDiagonalOperators()
    {
        // zᵀ diag(d) z = Σ d_i for every Rademacher z.
        double[] d = [3, -1, 0.5, 2, 0, 7];
        StatisticalEstimate estimate = TraceEstimator.Hutchinson(new DiagonalOperator(d), samples: 5, seed: 3);
        Assert.That(estimate.Value, Is.EqualTo(d.Sum()).Within(1e-12));
        Assert.That(estimate.StandardError, Is.EqualTo(0).Within(1e-12));
    }

    [Test, Category("Statistical")]
    public void HutchPlusPlus_BeatsHutchinson_AtEqualBudget_OnFastDecayingSpectrum()
    {
        // Mean squared error over 20 seeds at a budget of 60 products.
        double truth = Decaying.Sum();
        double hutchinson = 0, hutchPlusPlus = 0;
        for (int seed = 0; seed < 20; seed++)
        {
            var counted = new CountingOperator(DecayingOperator.Value);
            double h = TraceEstimator.Hutchinson(DecayingOperator.Value, 60, seed).Value - truth;
            double hpp = TraceEstimator.HutchPlusPlus(counted, 60, seed).Value - truth;
            Assert.That(counted.Applications, Is.LessThanOrEqualTo(60));
            hutchinson += h * h / 20;
            hutchPlusPlus += hpp * hpp / 20;
        }
        TestContext.Out.WriteLine($"MSE Hutchinson {hutchinson:G3}, Hutch++ {hutchPlusPlus:G3}, ratio {hutchinson / hutchPlusPlus:G3} (trace {truth:G4})");
        Assert.That(hutchPlusPlus, Is.LessThan(hutchinson / 10));
    }

    [Test, Category("Statistical")]
    public void HutchPlusPlus_IsUnbiased_WithinItsStandardError()
    {
        var op = new CountingOperator(Operator.Value);
        StatisticalEstimate estimate = TraceEstimator.HutchPlusPlus(op, matrixVectorProducts: 301, seed: 5);
        Assert.That(op.Applications, Is.EqualTo(301));
        Assert.That(estimate.Samples, Is.EqualTo(301 - 2 * 100));
        double truth = Spectrum.Sum();
        Assert.That(Math.Abs(estimate.Value - truth), Is.LessThanOrEqualTo(4 * estimate.StandardError), $"{estimate} vs {truth}");
    }

    [Test]
    public void HutchPlusPlus_IsExact_WhenTheSketchCapturesTheRange()
    {
        // Rank-3 operator: A S spans range(A), so tr(QᵀAQ) = tr(A) and the deflated remainder is 0.
        double[] lowRank = [.. Enumerable.Repeat(0.0, 97), 5.0, -2.0, 1.5];
        var op = new CountingOperator(TestSpectra.Dense(lowRank, seed: 24));
        StatisticalEstimate estimate = TraceEstimator.HutchPlusPlus(op, 30, seed: 1);
        Assert.That(estimate.Value, Is.EqualTo(4.5).Within(1e-10));
        Assert.That(estimate.StandardError, Is.LessThan(1e-10));
        Assert.That(op.Applications, Is.EqualTo(10 + 3 + 17), "dependent sketch columns are dropped; their products are saved");

        // Sketch as large as the dimension: Q spans ℝᴰ and the answer is exact with SE 0.
        var small = new CountingOperator(TestSpectra.Dense([1.0, 2.0, -4.0, 0.5], seed: 25));
        StatisticalEstimate exact = TraceEstimator.HutchPlusPlus(small, 30, seed: 2);
        Assert.That(exact.Value, Is.EqualTo(-0.5).Within(1e-12));
        Assert.That(exact.StandardError, Is.Zero);
        Assert.That(small.Applications, Is.EqualTo(8));
    }

    [Test]
    public void HutchPlusPlus_WithBudgetBelowThree_IsHutchinson()
    {
        StatisticalEstimate a = TraceEstimator.HutchPlusPlus(Operator.Value, 2, seed: 9);
        StatisticalEstimate b = TraceEstimator.Hutchinson(Operator.Value, 2, seed: 9);
        Assert.That(a, Is.EqualTo(b));
    }

    [Test]
    public void SameSeed_IsBitwiseIdentical()
    {
        StatisticalEstimate h1 = TraceEstimator.Hutchinson(Operator.Value, 7, 3), h2 = TraceEstimator.Hutchinson(Operator.Value, 7, 3);
        StatisticalEstimate p1 = TraceEstimator.HutchPlusPlus(Operator.Value, 31, 3), p2 = TraceEstimator.HutchPlusPlus(Operator.Value, 31, 3);
        Assert.That(h2, Is.EqualTo(h1));
        Assert.That(p2, Is.EqualTo(p1));
        Assert.That(TraceEstimator.Hutchinson(Operator.Value, 7, 4), Is.Not.EqualTo(h1));
    }

    [Test]
    public void BadArguments_AreRejected_AndCancellationIsHonoured()
    {
        var op = new CountingOperator(new DiagonalOperator([1.0, 2.0]));
        Assert.That(() => TraceEstimator.Hutchinson(null!, 3, 0), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("op"));
        Assert.That(() => TraceEstimator.Hutchinson(op, 0, 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("samples").And.Message.Contains("got 0"));
        Assert.That(() => TraceEstimator.HutchPlusPlus(null!, 3, 0), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("op"));
        Assert.That(() => TraceEstimator.HutchPlusPlus(op, -1, 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("matrixVectorProducts").And.Message.Contains("got -1"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(() => TraceEstimator.Hutchinson(op, 3, 0, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => TraceEstimator.HutchPlusPlus(op, 9, 0, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(op.Applications, Is.Zero);
    }
}
