using SparsityBounds.Numerics.Kernels;

namespace SparsityBounds.Tests.Numerics.Kernels;

[TestFixture]
public class ActivationKernelsTests
{
    private static double[] Inputs(int length, int seed)
    {
        var rng = new Random(seed);
        var x = Enumerable.Range(0, length).Select(_ => 8 * rng.NextDouble() - 4).ToArray();
        if (length > 2) { x[0] = 0.0; x[1] = -0.0; }
        return x;
    }

    [Test]
    public void Relu_MatchesReference([Range(0, 11)] int length)
    {
        double[] expected = Inputs(length, length), actual = (double[])expected.Clone();
        double[] d1e = new double[length], d1a = new double[length];
        ActivationKernels.Reference.Relu(expected, d1e);
        ActivationKernels.Relu(actual, d1a);
        Assert.That(actual, Is.EqualTo(expected));
        Assert.That(d1a, Is.EqualTo(d1e));
    }

    [Test]
    public void TanhAndSigmoid_MatchReference([Range(0, 11)] int length, [Values] bool tanh)
    {
        double[] expected = Inputs(length, length), actual = (double[])expected.Clone();
        double[] d1e = new double[length], d1a = new double[length], d2e = new double[length], d2a = new double[length];
        if (tanh) { ActivationKernels.Reference.Tanh(expected, d1e, d2e); ActivationKernels.Tanh(actual, d1a, d2a); }
        else { ActivationKernels.Reference.Sigmoid(expected, d1e, d2e); ActivationKernels.Sigmoid(actual, d1a, d2a); }
        Assert.That(actual, Is.EqualTo(expected).Within(1e-15));
        Assert.That(d1a, Is.EqualTo(d1e).Within(1e-15));
        Assert.That(d2a, Is.EqualTo(d2e).Within(1e-15));
    }

    [Test]
    public void Derivatives_MatchCentralDifferences([Values] bool tanh)
    {
        double[] z = Inputs(9, 3);
        double[] a = (double[])z.Clone(), d1 = new double[9], d2 = new double[9];
        if (tanh) ActivationKernels.Tanh(a, d1, d2); else ActivationKernels.Sigmoid(a, d1, d2);
        Func<double, double> f = tanh ? Math.Tanh : x => 1 / (1 + Math.Exp(-x));
        const double h = 1e-4;
        for (int i = 0; i < z.Length; i++)
        {
            Assert.That(d1[i], Is.EqualTo((f(z[i] + h) - f(z[i] - h)) / (2 * h)).Within(1e-8));
            Assert.That(d2[i], Is.EqualTo((f(z[i] + h) - 2 * f(z[i]) + f(z[i] - h)) / (h * h)).Within(1e-6));
        }
    }

    [Test]
    public void MultiplyAddProduct_MatchesReference([Range(0, 11)] int length)
    {
        double[] d = Inputs(length, 1), e = Inputs(length, 2), z = Inputs(length, 3);
        double[] expected = Inputs(length, 4), actual = (double[])expected.Clone();
        ActivationKernels.Reference.MultiplyAddProduct(expected, d, e, z);
        ActivationKernels.MultiplyAddProduct(actual, d, e, z);
        Assert.That(actual, Is.EqualTo(expected).Within(1e-15));
        Assert.That(() => ActivationKernels.MultiplyAddProduct(new double[length + 1], d, e, z), Throws.ArgumentException);
    }
}
