using SparsityBounds.Models;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Models;

public partial class MlpObjectiveTests
{
    [Test]
    public void Results_AreBitwiseIdentical_ForOneThreadAndAllThreads([Values] Activation activation, [Values] Loss loss)
    {
        // 650 samples: 11 blocks of 64 and 11 chunks, so several threads really share the work.
        var c = new ModelCase(activation, loss, hiddenLayers: 2, samples: 650, regression: loss == Loss.MeanSquaredError, seed: 21);
        MlpObjective serial = c.Objective(1e-3, maxDegreeOfParallelism: 1);
        MlpObjective parallel = c.Objective(1e-3, maxDegreeOfParallelism: 0);
        Assert.That(BitConverter.DoubleToInt64Bits(parallel.Value(c.Parameters)), Is.EqualTo(BitConverter.DoubleToInt64Bits(serial.Value(c.Parameters))));

        var g1 = new double[c.Dimension];
        var g2 = new double[c.Dimension];
        serial.Gradient(c.Parameters, g1);
        parallel.Gradient(c.Parameters, g2);
        Assert.That(g2, Is.EqualTo(g1).Using<double>(BitwiseEqual));

        double[] v = ModelCase.RandomVector(c.Dimension, 5);
        foreach (bool gaussNewton in new[] { false, true })
        {
            ISymmetricOperator a = gaussNewton ? serial.GaussNewton(c.Parameters) : serial.Hessian(c.Parameters);
            ISymmetricOperator b = gaussNewton ? parallel.GaussNewton(c.Parameters) : parallel.Hessian(c.Parameters);
            var ya = new double[c.Dimension];
            var yb = new double[c.Dimension];
            a.Apply(v, ya);
            b.Apply(v, yb);
            Assert.That(yb, Is.EqualTo(ya).Using<double>(BitwiseEqual), gaussNewton ? "Gauss–Newton" : "Hessian");
            var again = new double[c.Dimension];
            b.Apply(v, again);
            Assert.That(again, Is.EqualTo(yb).Using<double>(BitwiseEqual), "repeated application");
        }
    }

    [Test]
    public void Apply_AllocatesNothing_AfterConstruction()
    {
        var c = new ModelCase(Activation.Tanh, Loss.SoftmaxCrossEntropy, hiddenLayers: 3, samples: 500);
        MlpObjective objective = c.Objective();
        double[] v = ModelCase.RandomVector(c.Dimension, 5);
        var y = new double[c.Dimension];
        foreach (ISymmetricOperator op in new[] { objective.Hessian(c.Parameters), objective.GaussNewton(c.Parameters) })
        {
            Assert.That(AllocationAssert.SteadyStateBytes(() => op.Apply(v, y)), Is.Zero);
        }
    }

    [Test]
    public void Gradient_AllocatesNothing_WhenRepeated()
    {
        var c = new ModelCase(Activation.Relu, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 300);
        MlpObjective objective = c.Objective(1e-4);
        var g = new double[c.Dimension];
        Assert.That(AllocationAssert.SteadyStateBytes(() => objective.Gradient(c.Parameters, g)), Is.Zero);
    }

    [Test]
    public void Objective_IsSafeForConcurrentEvaluations()
    {
        var c = new ModelCase(Activation.Sigmoid, Loss.SoftmaxCrossEntropy, hiddenLayers: 2, samples: 400);
        MlpObjective objective = c.Objective();
        double expected = objective.Value(c.Parameters);
        double[] results = new double[8];
        Parallel.For(0, results.Length, i => results[i] = objective.Value(c.Parameters));
        Assert.That(results, Is.All.EqualTo(expected));
    }

    private static bool BitwiseEqual(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
}
