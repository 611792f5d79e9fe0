using SparsityBounds.Operators;
using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Models;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Spectral;

/// <summary>Exact spectra of trained MLP Hessians (found while building the demo).</summary>
public sealed class TrainedHessianEigendecompositionTests
{
    /// <summary>
    /// Before the stall fallback in SymmetricTridiagonalEigen, the QL iteration failed to converge on the exact Hessian
    /// of every trained digits MLP tried (D = 310 … 2,410, with and without L1): blocks of roundoff-sized entries (the
    /// near-null space from dead units and blank pixels) could not meet the neighbour-relative deflation test.
    /// </summary>
    [TestCase(4, 1, 1e-4)]
    [TestCase(6, 2, 1e-4)]
    [TestCase(16, 1, 0.0)] // needed more than 60 QL sweeps for one eigenvalue: the total budget is now 30·n
    public void ExactSpectrum_OfATrainedMlpHessian_MatchesMathNet(int hidden, int seed, double l1)
    {
        var data = SampleData.Digits();
        var mlp = new Mlp([64, hidden, 10], Activation.Relu);
        var theta = MlpTrainer.Train(mlp, data, Loss.SoftmaxCrossEntropy, new MlpTrainingOptions { L1Penalty = l1, Epochs = 60, Seed = seed }).Parameters;
        var hessian = new MlpObjective(mlp, data, Loss.SoftmaxCrossEntropy).Hessian(theta);
        int d = hessian.Dimension;
        var a = hessian.ToDenseMatrix();
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++) a[i, j] = a[j, i] = 0.5 * (a[i, j] + a[j, i]);

        var ours = SymmetricEigendecomposition.Compute(a, computeVectors: true);
        var reference = Matrix<double>.Build.DenseOfArray(a).Evd(Symmetricity.Symmetric).EigenValues.Select(c => c.Real).OrderBy(x => x).ToArray();
        double scale = reference.Max(Math.Abs);
        Assert.That(ours.Eigenvalues.ToArray(), Is.EqualTo(reference).Within(1e-12 * scale));
        // Eigenvectors: ‖A v − λ v‖ small for every pair.
        double worst = 0;
        for (int k = 0; k < d; k++)
        {
            double[] v = ours.Eigenvector(k);
            for (int i = 0; i < d; i++)
            {
                double r = -ours.Eigenvalues[k] * v[i];
                for (int j = 0; j < d; j++) r += a[i, j] * v[j];
                worst = Math.Max(worst, Math.Abs(r));
            }
        }
        Assert.That(worst, Is.LessThan(1e-11 * scale));
    }
}
