using SparsityBounds.Models;

namespace SparsityBounds.Tests.Models;

public partial class MlpObjectiveTests
{
    private static readonly double[,] TwoByThree = { { 0.1, 0.2, 0.3 }, { 0.4, 0.5, 0.6 } };

    [Test]
    public void Mlp_RejectsBadLayerSizes()
    {
        Assert.That(() => new Mlp([5], Activation.Relu), Throws.ArgumentException.With.Property("ParamName").EqualTo("layerSizes"));
        Assert.That(() => new Mlp([5, 0, 3], Activation.Relu),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("layerSizes").And.Message.Contains("layerSizes[1] is 0"));
        Assert.That(() => new Mlp([5, -2], Activation.Relu), Throws.ArgumentException.With.Message.Contains("-2"));
        Assert.That(() => new Mlp(null!, Activation.Relu), Throws.ArgumentNullException);
        Assert.That(() => new Mlp([5, 3], (Activation)7), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void Dataset_RejectsBadInput()
    {
        var nan = (double[,])TwoByThree.Clone();
        nan[1, 2] = double.NaN;
        Assert.That(() => new Dataset(nan, new[] { 0, 1 }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("features").And.Message.Contains("features[1, 2] is NaN"));
        var inf = (double[,])TwoByThree.Clone();
        inf[0, 0] = double.PositiveInfinity;
        Assert.That(() => new Dataset(inf, new double[2, 1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("features"));
        Assert.That(() => new Dataset(TwoByThree, new[] { 0 }), Throws.ArgumentException.With.Property("ParamName").EqualTo("labels"));
        Assert.That(() => new Dataset(TwoByThree, new[] { 0, -1 }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("labels").And.Message.Contains("-1"));
        Assert.That(() => new Dataset(new double[0, 3], Array.Empty<int>()), Throws.ArgumentException.With.Property("ParamName").EqualTo("features"));
        Assert.That(() => new Dataset(TwoByThree, new double[3, 1]), Throws.ArgumentException.With.Property("ParamName").EqualTo("targets"));
        var badTargets = new double[2, 1];
        badTargets[1, 0] = double.NaN;
        Assert.That(() => new Dataset(TwoByThree, badTargets), Throws.ArgumentException.With.Message.Contains("targets[1, 0] is NaN"));
    }

    [Test]
    public void Objective_RejectsMismatchedModelAndData()
    {
        var model = new Mlp([3, 4, 2], Activation.Relu);
        Assert.That(() => new MlpObjective(new Mlp([4, 2], Activation.Relu), new Dataset(TwoByThree, new[] { 0, 1 }), Loss.SoftmaxCrossEntropy),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("data").And.Message.Contains("3 features"));
        Assert.That(() => new MlpObjective(model, new Dataset(TwoByThree, new[] { 0, 2 }), Loss.SoftmaxCrossEntropy),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("data").And.Message.Contains("label 2"));
        Assert.That(() => new MlpObjective(model, new Dataset(TwoByThree, new[] { 0, 2 }), Loss.MeanSquaredError),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("data"));
        Assert.That(() => new MlpObjective(model, new Dataset(TwoByThree, new double[2, 3]), Loss.MeanSquaredError),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("data").And.Message.Contains("3 targets"));
        Assert.That(() => new MlpObjective(model, new Dataset(TwoByThree, new double[2, 2]), Loss.SoftmaxCrossEntropy),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("data"));
        var data = new Dataset(TwoByThree, new[] { 0, 1 });
        Assert.That(() => new MlpObjective(model, data, Loss.SoftmaxCrossEntropy, -1e-3),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("l1Penalty"));
        Assert.That(() => new MlpObjective(model, data, Loss.SoftmaxCrossEntropy, double.NaN),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("l1Penalty"));
        Assert.That(() => new MlpObjective(model, data, (Loss)5), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new MlpObjective(null!, data, Loss.SoftmaxCrossEntropy), Throws.ArgumentNullException);
    }

    [Test]
    public void Objective_RejectsBadParameters()
    {
        var model = new Mlp([3, 4, 2], Activation.Tanh);
        var objective = new MlpObjective(model, new Dataset(TwoByThree, new[] { 0, 1 }), Loss.SoftmaxCrossEntropy);
        var shortTheta = new double[model.ParameterCount - 1];
        var theta = model.InitializeParameters(1);
        var g = new double[model.ParameterCount];
        Assert.That(() => objective.Value(shortTheta), Throws.ArgumentException.With.Property("ParamName").EqualTo("parameters").And.Message.Contains("length 25"));
        Assert.That(() => objective.Gradient(shortTheta, g), Throws.ArgumentException.With.Property("ParamName").EqualTo("parameters"));
        Assert.That(() => objective.Gradient(theta, new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("gradient"));
        Assert.That(() => objective.Hessian(shortTheta), Throws.ArgumentException.With.Property("ParamName").EqualTo("parameters"));
        Assert.That(() => objective.GaussNewton(shortTheta), Throws.ArgumentException.With.Property("ParamName").EqualTo("parameters"));
        var nan = (double[])theta.Clone();
        nan[7] = double.NaN;
        Assert.That(() => objective.Value(nan), Throws.ArgumentException.With.Message.Contains("parameters[7] is NaN"));
        Assert.That(() => objective.Hessian(nan), Throws.ArgumentException);

        var h = objective.Hessian(theta);
        Assert.That(() => h.Apply(new double[3], new double[model.ParameterCount]), Throws.ArgumentException.With.Property("ParamName").EqualTo("x"));
        Assert.That(() => h.Apply(new double[model.ParameterCount], new double[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("y"));
        var shared = new double[model.ParameterCount];
        Assert.That(() => h.Apply(shared, shared), Throws.ArgumentException);
        Assert.That(() => objective.MinibatchLossStandardDeviation(theta, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => objective.MinibatchLossStandardDeviation(theta, 2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at least 2"));
        Assert.That(() => model.Predict(theta, new double[2], new double[2]), Throws.ArgumentException.With.Property("ParamName").EqualTo("input"));
    }
}
