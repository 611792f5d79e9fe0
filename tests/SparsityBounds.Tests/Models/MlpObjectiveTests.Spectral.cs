using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Models;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Models;

public partial class MlpObjectiveTests
{
    [Test]
    public void HutchinsonTraceOfGaussNewton_ConvergesToDenseTrace()
    {
        // The operators feed the spectral estimators unchanged: the trace estimate converges to the dense trace.
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 120);
        var ggn = c.Objective().GaussNewton(c.Parameters);
        double[,] dense = Dense(ggn);
        double trace = Enumerable.Range(0, c.Dimension).Sum(i => dense[i, i]);
        StatisticalEstimate small = TraceEstimator.Hutchinson(ggn, 100, seed: 3);
        StatisticalEstimate large = TraceEstimator.Hutchinson(ggn, 1600, seed: 4);
        Assert.That(small.IsWithin(trace, 4), Is.True, $"{small} vs {trace}");
        Assert.That(large.IsWithin(trace, 4), Is.True, $"{large} vs {trace}");
        Assert.That(large.StandardError, Is.LessThan(small.StandardError / 2));
    }

    [Test]
    public void Hessian_IsSymmetricAndIndefinite_AtRandomParameters()
    {
        // An exact Hessian of a non-convex loss: symmetric, with eigenvalues of both signs (THEORY.md §3, FINDINGS.md).
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, hiddenLayers: 1, samples: 60);
        double[,] h = Dense(c.Objective().Hessian(c.Parameters));
        var m = Matrix<double>.Build.DenseOfArray(h);
        Assert.That((m - m.Transpose()).InfinityNorm(), Is.LessThanOrEqualTo(1e-14 * m.InfinityNorm()));
        double[] eigenvalues = m.Evd(Symmetricity.Symmetric).EigenValues.Select(z => z.Real).ToArray();
        Assert.That(eigenvalues.Min(), Is.LessThan(-1e-8));
        Assert.That(eigenvalues.Max(), Is.GreaterThan(1e-3));
    }
}
