using SparsityBounds.Models;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;
using SparsityBounds.Tests.Models;

namespace SparsityBounds.Tests.Spectral;

// Concurrent probes (SlqOptions.ConcurrentProbes): the same quadrature, bitwise, as probes run one after another, for
// every round/remainder split and both product precisions; counts, progress and cancellation across threads.
[TestFixture]
public sealed class StochasticLanczosQuadratureConcurrencyTests
{
    private static bool SameBits(double p, double q) => BitConverter.DoubleToInt64Bits(p) == BitConverter.DoubleToInt64Bits(q);

    private static ISymmetricOperator Hessian(ProductPrecision precision, int samples = 300, int seed = 4)
    {
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: samples, seed: seed);
        return new MlpObjective(c.Model, c.Data, c.Loss) { ProductPrecision = precision }.Hessian(c.Parameters);
    }

    private static void AssertSameQuadrature(SpectralQuadrature expected, SpectralQuadrature actual, string what)
    {
        Assert.That(actual.Probes, Is.EqualTo(expected.Probes), what);
        Assert.That(actual.OperatorApplications, Is.EqualTo(expected.OperatorApplications), what);
        for (int l = 0; l < expected.Probes; l++)
        {
            Assert.That(actual.Nodes(l).ToArray(), Is.EqualTo(expected.Nodes(l).ToArray()).Using<double>(SameBits), $"{what}: nodes of probe {l}");
            Assert.That(actual.Weights(l).ToArray(), Is.EqualTo(expected.Weights(l).ToArray()).Using<double>(SameBits), $"{what}: weights of probe {l}");
        }
    }

    [TestCase(ProductPrecision.Double)]
    [TestCase(ProductPrecision.Single)]
    public void ConcurrentProbes_GiveBitwiseTheSameQuadrature_AsProbesOneAfterAnother(ProductPrecision precision)
    {
        ISymmetricOperator op = Hessian(precision);
        Assert.That(op, Is.InstanceOf<IConcurrentSymmetricOperator>());
        foreach (int probes in new[] { 1, 2, 3, 5 })   // one probe, whole rounds, and a sequential remainder (on two or more cores)
            foreach (Reorthogonalization r in new[] { Reorthogonalization.Full, Reorthogonalization.Partial, Reorthogonalization.None })
            {
                var options = new SlqOptions { Probes = probes, Steps = 25, Seed = 7, Reorthogonalization = r };
                Assert.That(StochasticLanczosQuadrature.ConcurrentWidth(op, options, 1000), Is.EqualTo(Math.Min(Environment.ProcessorCount, probes)));
                Assert.That(StochasticLanczosQuadrature.ConcurrentWidth(op, options with { ConcurrentProbes = false }, 1000), Is.EqualTo(1));
                Assert.That(StochasticLanczosQuadrature.ConcurrentWidth(op, options with { MaxDegreeOfParallelism = 1 }, 1000), Is.EqualTo(1));
                var sequential = StochasticLanczosQuadrature.Estimate(op, options with { ConcurrentProbes = false });
                var concurrent = StochasticLanczosQuadrature.Estimate(op, options);
                var oneThread = StochasticLanczosQuadrature.Estimate(op, options with { MaxDegreeOfParallelism = 1 });
                Assert.That(sequential.OperatorApplications, Is.EqualTo(probes * 25));
                AssertSameQuadrature(sequential, concurrent, $"{precision}, {probes} probes, {r}: concurrent");
                AssertSameQuadrature(sequential, oneThread, $"{precision}, {probes} probes, {r}: one thread");
            }
    }

    [Test]
    public void ConcurrentBases_StayWithinTheAutomaticMemoryLimit_Together()
    {
        ISymmetricOperator op = Hessian(ProductPrecision.Double, samples: 64);
        var options = new SlqOptions { Probes = 64, MaxDegreeOfParallelism = 64 };
        int threads = Math.Min(64, Environment.ProcessorCount);
        long limit = SlqOptions.AutomaticFullReorthogonalizationBytes;
        Assert.That(StochasticLanczosQuadrature.ConcurrentWidth(op, options, limit), Is.EqualTo(1), "one basis at the limit: one probe at a time");
        Assert.That(StochasticLanczosQuadrature.ConcurrentWidth(op, options, limit / 2), Is.EqualTo(Math.Min(2, threads)));
        Assert.That(StochasticLanczosQuadrature.ConcurrentWidth(op, options, 0), Is.EqualTo(threads), "no stored basis (plain recurrence): no memory cap");
    }

    [Test]
    public void AnOperatorWithoutViews_RunsItsProbesOneAfterAnother()
    {
        var op = new CountingOperator(new DiagonalOperator(Enumerable.Range(1, 40).Select(i => (double)i).ToArray()));
        Assert.That(StochasticLanczosQuadrature.ConcurrentWidth(op, new SlqOptions { Probes = 4 }, 0), Is.EqualTo(1));
        var q = StochasticLanczosQuadrature.Estimate(op, new SlqOptions { Probes = 4, Steps = 10 });
        Assert.That(op.Applications, Is.EqualTo(q.OperatorApplications).And.EqualTo(40));
    }

    [Test]
    public void PhaseTransition_CountsEveryProduct_AndReportsIncreasingProgress_WithConcurrentProbes()
    {
        var c = new ModelCase(Activation.Relu, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 200, seed: 8);
        var objective = c.Objective();
        var reports = new List<double>();
        var options = new PhaseTransitionOptions { Spectrum = new SlqOptions { Probes = 4, Steps = 30, Seed = 2 } };
        var concurrent = PhaseTransition.Estimate(c.Parameters, objective.Hessian(c.Parameters), 0.01, options, new LockedProgress(reports));
        var sequential = PhaseTransition.Estimate(c.Parameters, objective.Hessian(c.Parameters), 0.01,
            options with { Spectrum = options.Spectrum! with { ConcurrentProbes = false } });
        Assert.That(concurrent.OperatorApplications, Is.EqualTo(120));
        Assert.That(concurrent.KeptFraction, Is.EqualTo(sequential.KeptFraction), "bitwise the same limit");
        Assert.That(reports[0], Is.EqualTo(0.0));
        Assert.That(reports[^1], Is.EqualTo(1.0));
        Assert.That(reports.Count, Is.GreaterThan(10));
        Assert.That(reports, Is.Ordered.Ascending);
    }

    [Test]
    public void Cancellation_StopsEveryConcurrentProbe()
    {
        ISymmetricOperator op = Hessian(ProductPrecision.Double, samples: 100);
        using var source = new CancellationTokenSource();
        var counted = new CancellingViews((IConcurrentSymmetricOperator)op, source, cancelAt: 15);
        Assert.That(() => StochasticLanczosQuadrature.Estimate(counted, new SlqOptions { Probes = 4, Steps = 40 }, source.Token),
            Throws.InstanceOf<OperationCanceledException>());
        // Each running probe stops at its next step: at most one more product per concurrent probe after the 15th.
        Assert.That(counted.Applications, Is.InRange(15, 15 + Environment.ProcessorCount));
    }

    private sealed class LockedProgress(List<double> reports) : IProgress<double>
    {
        public void Report(double value)
        {
            lock (reports) reports.Add(value);
        }
    }

    /// <summary>Counts products over the operator and its views (thread-safe); cancels after <c>cancelAt</c>.</summary>
    private sealed class CancellingViews(IConcurrentSymmetricOperator inner, CancellationTokenSource source, int cancelAt) : IConcurrentSymmetricOperator
    {
        private int _applications;

        public int Applications => Volatile.Read(ref _applications);

        public int Dimension => inner.Dimension;

        public void Apply(ReadOnlySpan<double> x, Span<double> y) => Count(inner, x, y);

        public ISymmetricOperator CreateConcurrentView()
        {
            ISymmetricOperator view = inner.CreateConcurrentView();
            return new DelegateOperator(inner.Dimension, (x, y) => Count(view, x, y));
        }

        private void Count(ISymmetricOperator op, ReadOnlySpan<double> x, Span<double> y)
        {
            op.Apply(x, y);
            if (Interlocked.Increment(ref _applications) >= cancelAt) source.Cancel();
        }
    }
}
