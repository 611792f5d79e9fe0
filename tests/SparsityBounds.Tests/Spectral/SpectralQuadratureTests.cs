using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Spectral;

[TestFixture]
public sealed class SpectralQuadratureTests
{
    private readonly struct Square : ISpectralFunction
    {
        public double Evaluate(double eigenvalue) => eigenvalue * eigenvalue;
    }

    [Test]
    public void FromEigenvalues_IsExact()
    {
        double[] eigenvalues = [3, -1, 0, 0, 2.5, 7];
        var q = SpectralQuadrature.FromEigenvalues(eigenvalues);
        Assert.That(q.IsExact, Is.True);
        Assert.That(q.Dimension, Is.EqualTo(6));
        StatisticalEstimate s = q.SpectralSum(x => x * x);
        Assert.That(s.Value, Is.EqualTo(eigenvalues.Sum(x => x * x)).Within(1e-12));
        Assert.That(s.StandardError, Is.Zero);
        Assert.That(q.SpectralSum(new Square()).Value, Is.EqualTo(s.Value));
        Assert.That(q.EigenvalueCount(0, 3).Value, Is.EqualTo(4).Within(1e-12));
        Assert.That(q.EigenvalueCount(-0.5, -0.1).Value, Is.Zero);
        Assert.That(q.Nodes(0).ToArray(), Is.Ordered.Ascending);
    }

    [Test]
    public void FromNodesAndWeights_AveragesProbes()
    {
        var q = SpectralQuadrature.FromNodesAndWeights(10, [[2.0, 0.0], [1.0]], [[0.25, 0.75], [1.0]]);
        Assert.That(q.Probes, Is.EqualTo(2));
        Assert.That(q.IsExact, Is.False);
        Assert.That(q.OperatorApplications, Is.Zero);
        StatisticalEstimate s = q.SpectralSum(x => x);
        // Probe sums 10·0.5 = 5 and 10·1 = 10: mean 7.5, sd √12.5, SE √12.5/√2 = 2.5.
        Assert.That(s.Value, Is.EqualTo(7.5).Within(1e-12));
        Assert.That(s.StandardError, Is.EqualTo(2.5).Within(1e-12));
        Assert.That(q.Nodes(0).ToArray(), Is.EqualTo(new[] { 0.0, 2.0 }), "sorted with their weights");
        Assert.That(q.Weights(0).ToArray(), Is.EqualTo(new[] { 0.75, 0.25 }));
        var sums = new double[2];
        q.ProbeSums(x => x, sums);
        Assert.That(sums, Is.EqualTo(new[] { 5.0, 10.0 }).Within(1e-12));
    }

    [Test]
    public void FromNodesAndWeights_RejectsBadInput()
    {
        Assert.That(() => SpectralQuadrature.FromNodesAndWeights(0, [[1.0]], [[1.0]]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("dimension"));
        Assert.That(() => SpectralQuadrature.FromNodesAndWeights(3, [], []), Throws.ArgumentException.With.Property("ParamName").EqualTo("nodes"));
        Assert.That(() => SpectralQuadrature.FromNodesAndWeights(3, [[1.0]], [[1.0], [1.0]]), Throws.ArgumentException.With.Property("ParamName").EqualTo("weights"));
        Assert.That(() => SpectralQuadrature.FromNodesAndWeights(3, [[1.0, 2.0]], [[1.0]]), Throws.ArgumentException.With.Property("ParamName").EqualTo("weights"));
        Assert.That(() => SpectralQuadrature.FromNodesAndWeights(3, [[double.NaN]], [[1.0]]), Throws.ArgumentException.With.Message.Contains("NaN"));
        Assert.That(() => SpectralQuadrature.FromNodesAndWeights(3, [[1.0, 2.0]], [[1.5, -0.5]]), Throws.ArgumentException.With.Message.Contains("-0.5"));
        Assert.That(() => SpectralQuadrature.FromNodesAndWeights(3, [[1.0, 2.0]], [[0.5, 0.4]]), Throws.ArgumentException.With.Message.Contains("sums to"));
        Assert.That(() => SpectralQuadrature.FromEigenvalues([]), Throws.ArgumentException);
        var q = SpectralQuadrature.FromEigenvalues([1.0, 2.0]);
        Assert.That(() => q.EigenvalueCount(2, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("lower"));
        Assert.That(() => q.EigenvalueCount(double.NaN, 1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => q.Density([0.0], 0.0, new double[1]), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("width"));
        Assert.That(() => q.Density([0.0], 1.0, new double[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination"));
        Assert.That(() => q.Nodes(1), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => q.SpectralSum(null!), Throws.ArgumentNullException);
        Assert.That(() => q.DensityGrid(1), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void SpectralSum_IsAllocationFree()
    {
        var q = StochasticLanczosQuadrature.Estimate(new DiagonalOperator(Enumerable.Range(0, 500).Select(i => Math.Sin(i)).ToArray()),
            new SlqOptions { Probes = 20, Steps = 40 });
        Func<double, double> f = x => x * x;
        double total = 0;
        // Steady state (minimum over rounds), so a one-off allocation of the runtime (tiered recompilation) cannot fail it.
        Assert.That(AllocationAssert.SteadyStateBytes(() => total += q.SpectralSum(f).Value + q.SpectralSum(new Square()).Value, callsPerRound: 200), Is.Zero);
        Assert.That(total, Is.GreaterThan(0));
    }
}
