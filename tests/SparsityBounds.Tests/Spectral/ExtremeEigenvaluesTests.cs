using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Spectral;

[TestFixture]
public sealed class ExtremeEigenvaluesTests
{
    private const int Dimension = 500;

    /// <summary>Clustered at both ends and indefinite: top cluster 10, 10 − 1e-3, …; bottom cluster −8, −8 + 1e-3, …; bulk in [−1, 3].</summary>
    private static readonly double[] Clustered = BuildClustered();
    private static readonly Lazy<double[,]> ClusteredMatrix = new(() => TestSpectra.WithSpectrum(Clustered, seed: 31));

    private static double[] BuildClustered()
    {
        var random = new Random(30);
        var values = new double[Dimension];
        for (int i = 0; i < 6; i++) values[i] = 10 - 1e-3 * i;
        for (int i = 0; i < 6; i++) values[6 + i] = -8 + 1e-3 * i * i;
        for (int i = 12; i < Dimension; i++) values[i] = -1 + 4 * random.NextDouble();
        return values;
    }

    [Test]
    public void Largest_MatchesDenseEigendecomposition_To1e8Relative()
    {
        var op = new DenseSymmetricOperator(ClusteredMatrix.Value);
        double[] expected = TestSpectra.MathNetEigenvalues(ClusteredMatrix.Value).Reverse().Take(5).ToArray();
        ExtremeEigenvalueResult result = ExtremeEigenvalues.Compute(op, 5, SpectrumEnd.Largest, new ExtremeEigenvalueOptions { Seed = 1 });
        TestContext.Out.WriteLine($"largest 5 of the clustered spectrum: {result.OperatorApplications} products, {result.Restarts} restarts");
        double[] actual = ExtremeEigenvalues.Largest(op, 5, seed: 1);
        Assert.That(actual, Is.EqualTo(result.Values));
        Assert.That(actual, Is.Ordered.Descending);
        for (int i = 0; i < 5; i++)
            Assert.That(Math.Abs(actual[i] - expected[i]), Is.LessThanOrEqualTo(1e-8 * Math.Abs(expected[i])), $"λ{i}: {actual[i]:R} vs {expected[i]:R}");
    }

    [Test]
    public void Smallest_MatchesDenseEigendecomposition_To1e8Relative()
    {
        var op = new DenseSymmetricOperator(ClusteredMatrix.Value);
        double[] expected = TestSpectra.MathNetEigenvalues(ClusteredMatrix.Value).Take(5).ToArray();
        double[] actual = ExtremeEigenvalues.Smallest(op, 5, seed: 1);
        Assert.That(actual, Is.Ordered.Ascending);
        for (int i = 0; i < 5; i++)
            Assert.That(Math.Abs(actual[i] - expected[i]), Is.LessThanOrEqualTo(1e-8 * Math.Abs(expected[i])), $"λ{i}: {actual[i]:R} vs {expected[i]:R}");
    }

    [Test]
    public void HessianLikeSpectrum_BothEnds_AndRitzVectors()
    {
        // Outliers 40, 15, 7 above and −3 below a bulk with 30% zeros and a negative bulk.
        double[] spectrum = TestSpectra.HessianLike(Dimension, seed: 32);
        double[,] a = TestSpectra.WithSpectrum(spectrum, seed: 33);
        var op = new DenseSymmetricOperator(a);
        double[] sorted = TestSpectra.MathNetEigenvalues(a);
        var options = new ExtremeEigenvalueOptions { Seed = 4, ComputeVectors = true };
        ExtremeEigenvalueResult top = ExtremeEigenvalues.Compute(op, 4, SpectrumEnd.Largest, options);
        ExtremeEigenvalueResult bottom = ExtremeEigenvalues.Compute(op, 3, SpectrumEnd.Smallest, options);
        Assert.That(top.Converged && bottom.Converged, Is.True);
        TestContext.Out.WriteLine($"largest 4: {top.OperatorApplications} products, {top.Restarts} restarts; smallest 3: {bottom.OperatorApplications} products, {bottom.Restarts} restarts");
        for (int i = 0; i < 4; i++) Assert.That(top.Values[i], Is.EqualTo(sorted[^(i + 1)]).Within(1e-8 * Math.Abs(sorted[^(i + 1)])));
        for (int i = 0; i < 3; i++) Assert.That(bottom.Values[i], Is.EqualTo(sorted[i]).Within(1e-8 * Math.Abs(sorted[i])));

        Matrix<double> m = Matrix<double>.Build.DenseOfArray(a);
        foreach (ExtremeEigenvalueResult result in new[] { top, bottom })
            for (int i = 0; i < result.Values.Count; i++)
            {
                var y = Vector<double>.Build.DenseOfArray(result.Vector(i).ToArray());
                Assert.That(y.L2Norm(), Is.EqualTo(1.0).Within(1e-12));
                double residual = (m * y - result.Values[i] * y).L2Norm();
                Assert.That(residual, Is.LessThanOrEqualTo(1e-9 * 40), $"true residual of pair {i}");
                Assert.That(result.ResidualNorms[i], Is.LessThanOrEqualTo(1e-10 * result.NormEstimate * (1 + 1e-12)));
                Assert.That(residual, Is.EqualTo(result.ResidualNorms[i]).Within(1e-11 * 40), "reported residual matches the true one");
            }
    }

    [Test]
    public void SmallOperator_AllEigenvalues_IncludingMultiplicities()
    {
        // D ≤ Krylov dimension: fresh directions after each invariant subspace span ℝᴰ, so repeated values are found.
        double[] d = [4, 4, 4, -1, 0, 0, 2.5];
        var op = new DiagonalOperator(d);
        Assert.That(ExtremeEigenvalues.Largest(op, 7, seed: 3), Is.EqualTo(d.OrderDescending().ToArray()).Within(1e-13 * 4));
        Assert.That(ExtremeEigenvalues.Smallest(op, 2, seed: 3), Is.EqualTo(new[] { -1.0, 0.0 }).Within(1e-13 * 4));
        Assert.That(ExtremeEigenvalues.Largest(new DiagonalOperator([2.0]), 1, seed: 0), Is.EqualTo(new[] { 2.0 }));
    }

    [Test]
    public void ZeroOperator_HasZeroEigenvalues()
    {
        var op = new DiagonalOperator(new double[40]);
        Assert.That(ExtremeEigenvalues.Largest(op, 3, seed: 1), Is.EqualTo(new double[3]));
        Assert.That(ExtremeEigenvalues.Smallest(op, 1, seed: 1), Is.EqualTo(new double[1]));
    }

    [Test]
    public void ExplicitKrylovDimension_ForcesRestarts_AndStillConverges()
    {
        double[] spectrum = TestSpectra.HessianLike(Dimension, seed: 34);
        double[,] a = TestSpectra.WithSpectrum(spectrum, seed: 35);
        double[] expected = TestSpectra.MathNetEigenvalues(a).Reverse().Take(2).ToArray();
        ExtremeEigenvalueResult result = ExtremeEigenvalues.Compute(new DenseSymmetricOperator(a), 2, SpectrumEnd.Largest,
            new ExtremeEigenvalueOptions { KrylovDimension = 6, Seed = 2 });
        TestContext.Out.WriteLine($"m = 6: {result.OperatorApplications} products, {result.Restarts} restarts");
        Assert.That(result.Converged, Is.True);
        Assert.That(result.Restarts, Is.GreaterThan(0));
        for (int i = 0; i < 2; i++) Assert.That(result.Values[i], Is.EqualTo(expected[i]).Within(1e-8 * expected[i]));
    }

    [Test]
    public void ExhaustedBudget_IsReportedNotThrown_ByCompute_AndThrownByTheWrapper()
    {
        var op = new DenseSymmetricOperator(ClusteredMatrix.Value);
        ExtremeEigenvalueResult result = ExtremeEigenvalues.Compute(op, 3, SpectrumEnd.Largest, new ExtremeEigenvalueOptions { KrylovDimension = 6, MaxRestarts = 0 });
        Assert.That(result.Converged, Is.False);
        Assert.That(result.OperatorApplications, Is.EqualTo(6));
        Assert.That(result.HasVectors, Is.False);
        Assert.That(() => result.Vector(0), Throws.InvalidOperationException);
    }

    [Test]
    public void SameSeed_IsBitwiseIdentical()
    {
        var op = new DenseSymmetricOperator(ClusteredMatrix.Value);
        double[] first = ExtremeEigenvalues.Largest(op, 2, seed: 9);
        double[] second = ExtremeEigenvalues.Largest(op, 2, seed: 9);
        Assert.That(second, Is.EqualTo(first));
        var a = ExtremeEigenvalues.Compute(op, 2, SpectrumEnd.Smallest, new ExtremeEigenvalueOptions { Seed = 9 });
        var b = ExtremeEigenvalues.Compute(op, 2, SpectrumEnd.Smallest, new ExtremeEigenvalueOptions { Seed = 9 });
        Assert.That(a.Values, Is.EqualTo(b.Values));
        Assert.That(a.OperatorApplications, Is.EqualTo(b.OperatorApplications));
    }

    [Test]
    public void BadArguments_AreRejected_AndCancellationIsHonoured()
    {
        var op = new CountingOperator(new DiagonalOperator([1.0, 2.0, 3.0]));
        Assert.That(() => ExtremeEigenvalues.Largest(null!, 1, 0), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("op"));
        Assert.That(() => ExtremeEigenvalues.Largest(op, 0, 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count").And.Message.Contains("got 0"));
        Assert.That(() => ExtremeEigenvalues.Smallest(op, 4, 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("count").And.Message.Contains("got 4"));
        Assert.That(() => ExtremeEigenvalues.Compute(op, 1, SpectrumEnd.Largest, new ExtremeEigenvalueOptions { Tolerance = 0 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("options"));
        Assert.That(() => ExtremeEigenvalues.Compute(TestSpectra.Dense(Enumerable.Range(0, 20).Select(i => (double)i).ToArray(), 1), 5, SpectrumEnd.Largest,
            new ExtremeEigenvalueOptions { KrylovDimension = 5 }), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("KrylovDimension"));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.That(() => ExtremeEigenvalues.Largest(op, 1, 0, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(() => ExtremeEigenvalues.Smallest(op, 1, 0, cancelled.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(op.Applications, Is.Zero);
    }
}
