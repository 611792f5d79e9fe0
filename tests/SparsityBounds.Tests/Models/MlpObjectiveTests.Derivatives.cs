using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Models;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Models;

public partial class MlpObjectiveTests
{
    // Largest errors seen, printed to the test log so the report can quote them.
    private static void Report(string what, ModelCase c, double error) => TestContext.Out.WriteLine($"{what} {c}: {error:E2}");

    [TestCaseSource(nameof(Cases))]
    public void Gradient_MatchesCentralDifferences(ModelCase c)
    {
        var objective = c.Objective();
        var gradient = new double[c.Dimension];
        double value = objective.Gradient(c.Parameters, gradient);
        Assert.That(value, Is.EqualTo(objective.Value(c.Parameters)));

        const double h = 1e-6;
        var fd = new double[c.Dimension];
        var theta = (double[])c.Parameters.Clone();
        bool[]? pattern = c.Activation == Activation.Relu ? SignPattern(c, theta) : null;
        for (int i = 0; i < c.Dimension; i++)
        {
            double w = theta[i];
            theta[i] = w + h; double plus = objective.Value(theta);
            if (pattern is not null) Assert.That(SignPattern(c, theta), Is.EqualTo(pattern), $"kink crossed at +h e_{i}");
            theta[i] = w - h; double minus = objective.Value(theta);
            if (pattern is not null) Assert.That(SignPattern(c, theta), Is.EqualTo(pattern), $"kink crossed at -h e_{i}");
            theta[i] = w;
            fd[i] = (plus - minus) / (2 * h);
        }
        double error = ModelCase.RelativeError(gradient, fd);
        Report("gradient vs FD", c, error);
        Assert.That(error, Is.LessThan(1e-7));
    }

    [Test]
    public void Gradient_WithL1_AddsLambdaSign_WithZeroAtZero()
    {
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, 2);
        double[] theta = (double[])c.Parameters.Clone();
        theta[3] = 0.0;
        theta[c.Model.Layers[1].BiasOffset] = 0.0;
        const double lambda = 0.01;
        var g0 = new double[c.Dimension];
        var g1 = new double[c.Dimension];
        double v0 = c.Objective().Gradient(theta, g0);
        double v1 = c.Objective(lambda).Gradient(theta, g1);
        Assert.That(v1, Is.EqualTo(v0 + lambda * theta.Sum(Math.Abs)).Within(1e-15));
        for (int i = 0; i < theta.Length; i++)
            Assert.That(g1[i], Is.EqualTo(g0[i] + lambda * Math.Sign(theta[i])), $"entry {i}");
        Assert.That(g1[3], Is.EqualTo(g0[3]));
    }

    [TestCaseSource(nameof(Cases))]
    public void Hessian_MatchesCentralDifferencesOfGradient(ModelCase c)
    {
        var objective = c.Objective();
        ISymmetricOperator h = objective.Hessian(c.Parameters);
        Assert.That(h.Dimension, Is.EqualTo(c.Dimension));
        const double step = 1e-5;
        double worst = 0;
        for (int k = 0; k < 3; k++)
        {
            double[] v = ModelCase.RandomVector(c.Dimension, 100 + k);
            var hv = new double[c.Dimension];
            h.Apply(v, hv);
            double[] plus = c.Parameters.Zip(v, (w, d) => w + step * d).ToArray();
            double[] minus = c.Parameters.Zip(v, (w, d) => w - step * d).ToArray();
            if (c.Activation == Activation.Relu)
            {
                // Away from kinks: no hidden pre-activation changes sign along the difference stencil.
                Assert.That(SignPattern(c, plus), Is.EqualTo(SignPattern(c, c.Parameters)), "kink crossed (+)");
                Assert.That(SignPattern(c, minus), Is.EqualTo(SignPattern(c, c.Parameters)), "kink crossed (−)");
            }
            var gPlus = new double[c.Dimension];
            var gMinus = new double[c.Dimension];
            objective.Gradient(plus, gPlus);
            objective.Gradient(minus, gMinus);
            double[] fd = gPlus.Zip(gMinus, (a, b) => (a - b) / (2 * step)).ToArray();
            worst = Math.Max(worst, ModelCase.RelativeError(hv, fd));
        }
        Report("HVP vs FD of gradient", c, worst);
        Assert.That(worst, Is.LessThan(1e-6));
    }

    [TestCaseSource(nameof(Cases))]
    public void Hessian_IsSymmetric(ModelCase c)
    {
        ISymmetricOperator h = c.Objective().Hessian(c.Parameters);
        double[] u = ModelCase.RandomVector(c.Dimension, 1), v = ModelCase.RandomVector(c.Dimension, 2);
        var hu = new double[c.Dimension];
        var hv = new double[c.Dimension];
        h.Apply(u, hu);
        h.Apply(v, hv);
        double uHv = ModelCase.Dot(u, hv), vHu = ModelCase.Dot(v, hu);
        double scale = ModelCase.Norm(u) * ModelCase.Norm(hv);
        Assert.That(Math.Abs(uHv - vHu), Is.LessThanOrEqualTo(1e-13 * scale));
    }

    [TestCaseSource(nameof(Cases))]
    public void Hessian_IgnoresL1Penalty(ModelCase c)
    {
        double[] v = ModelCase.RandomVector(c.Dimension, 9);
        var a = new double[c.Dimension];
        var b = new double[c.Dimension];
        c.Objective().Hessian(c.Parameters).Apply(v, a);
        c.Objective(0.05).Hessian(c.Parameters).Apply(v, b);
        Assert.That(b, Is.EqualTo(a));
        c.Objective().GaussNewton(c.Parameters).Apply(v, a);
        c.Objective(0.05).GaussNewton(c.Parameters).Apply(v, b);
        Assert.That(b, Is.EqualTo(a));
    }

    [TestCaseSource(nameof(Cases))]
    public void GaussNewton_IsSymmetricPositiveSemidefinite(ModelCase c)
    {
        double[,] g = Dense(c.Objective().GaussNewton(c.Parameters));
        var m = Matrix<double>.Build.DenseOfArray(g);
        double asymmetry = (m - m.Transpose()).InfinityNorm();
        Assert.That(asymmetry, Is.LessThanOrEqualTo(1e-14 * m.InfinityNorm()));
        var eigenvalues = m.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues.Select(z => z.Real).ToArray();
        Assert.That(eigenvalues.Min(), Is.GreaterThanOrEqualTo(-1e-13 * eigenvalues.Max()));
        Assert.That(eigenvalues.Max(), Is.GreaterThan(0));
    }

    [TestCaseSource(nameof(Cases))]
    public void GaussNewton_QuadraticForm_EqualsJvTransposeHzJv(ModelCase c)
    {
        double[] v = ModelCase.RandomVector(c.Dimension, 77);
        var gv = new double[c.Dimension];
        c.Objective().GaussNewton(c.Parameters).Apply(v, gv);
        double quadratic = ModelCase.Dot(v, gv);

        // (1/N) Σᵢ (Jᵢv)ᵀ H_z,ᵢ (Jᵢv) with Jᵢv by central differences of the naive logits.
        const double step = 1e-6;
        double[] plus = c.Parameters.Zip(v, (w, d) => w + step * d).ToArray();
        double[] minus = c.Parameters.Zip(v, (w, d) => w - step * d).ToArray();
        double expected = 0;
        for (int i = 0; i < c.Count; i++)
        {
            double[] z = NaiveMlp.Forward(c.Sizes, c.Activation, c.Parameters, c.Row(i));
            double[] zp = NaiveMlp.Forward(c.Sizes, c.Activation, plus, c.Row(i));
            double[] zm = NaiveMlp.Forward(c.Sizes, c.Activation, minus, c.Row(i));
            double[] jv = zp.Zip(zm, (a, b) => (a - b) / (2 * step)).ToArray();
            double[,] hz = NaiveMlp.LogitHessian(c.Loss, z);
            for (int a = 0; a < jv.Length; a++)
                for (int b = 0; b < jv.Length; b++) expected += jv[a] * hz[a, b] * jv[b];
        }
        expected /= c.Count;
        double error = Math.Abs(quadratic - expected) / expected;
        Report("vᵀGv vs (Jv)ᵀH_z(Jv)", c, error);
        Assert.That(error, Is.LessThan(1e-6));
    }

    [Test]
    public void LinearModelWithSquaredError_HessianAndGaussNewtonEqualClosedForm([Values] Activation activation)
    {
        // No hidden layer: the loss is quadratic and H = G = (1/N) I ⊗ [X 1]ᵀ[X 1] in the (W row-major, b) layout.
        var c = new ModelCase(activation, Loss.MeanSquaredError, hiddenLayers: 0, samples: 80, regression: true);
        int nIn = c.Sizes[0], nOut = c.Sizes[1], d = c.Dimension;
        var expected = new double[d, d];
        int Index(int i, int j) => j < nIn ? i * nIn + j : nOut * nIn + i;   // j = nIn means the bias
        for (int i = 0; i < nOut; i++)
            for (int j = 0; j <= nIn; j++)
                for (int k = 0; k <= nIn; k++)
                {
                    double s = 0;
                    for (int n = 0; n < c.Count; n++)
                        s += (j < nIn ? c.Features[n, j] : 1.0) * (k < nIn ? c.Features[n, k] : 1.0);
                    expected[Index(i, j), Index(i, k)] = s / c.Count;
                }
        double[,] hessian = Dense(c.Objective().Hessian(c.Parameters));
        double[,] gaussNewton = Dense(c.Objective().GaussNewton(c.Parameters));
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++)
            {
                Assert.That(hessian[i, j], Is.EqualTo(expected[i, j]).Within(1e-14), $"H[{i},{j}]");
                Assert.That(gaussNewton[i, j], Is.EqualTo(expected[i, j]).Within(1e-14), $"G[{i},{j}]");
            }
    }

    [Test]
    public void Hessian_EqualsGaussNewton_ForCrossEntropyLinearModel()
    {
        // Without hidden layers the logits are linear in θ, so the Hessian is exactly the Gauss–Newton matrix.
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, hiddenLayers: 0, samples: 70);
        double[] v = ModelCase.RandomVector(c.Dimension, 3);
        var hv = new double[c.Dimension];
        var gv = new double[c.Dimension];
        c.Objective().Hessian(c.Parameters).Apply(v, hv);
        c.Objective().GaussNewton(c.Parameters).Apply(v, gv);
        Assert.That(ModelCase.RelativeError(hv, gv), Is.LessThan(1e-14));
    }

    internal static double[,] Dense(ISymmetricOperator op)
    {
        int d = op.Dimension;
        var result = new double[d, d];
        var e = new double[d];
        var column = new double[d];
        for (int j = 0; j < d; j++)
        {
            e[j] = 1.0;
            op.Apply(e, column);
            e[j] = 0.0;
            for (int i = 0; i < d; i++) result[i, j] = column[i];
        }
        return result;
    }

    private static bool[] SignPattern(ModelCase c, double[] theta)
    {
        var pattern = new List<bool>();
        for (int i = 0; i < c.Count; i++)
        {
            var pre = new List<double[]>();
            NaiveMlp.Forward(c.Sizes, c.Activation, theta, c.Row(i), pre);
            foreach (double[] z in pre) pattern.AddRange(z.Select(v => v > 0));
        }
        return pattern.ToArray();
    }
}
