using SparsityBounds.Models;

namespace SparsityBounds.Tests.Models;

/// <summary>A small seeded MLP problem: architecture, data (random, System.Random with a fixed seed) and parameters.</summary>
public sealed class ModelCase
{
    public ModelCase(Activation activation, Loss loss, int hiddenLayers, int samples = 37, bool regression = false, int seed = 1)
    {
        Activation = activation;
        Loss = loss;
        HiddenLayers = hiddenLayers;
        Sizes = hiddenLayers switch
        {
            0 => [5, 3],
            1 => [5, 7, 3],
            2 => [5, 7, 6, 3],
            _ => [5, 7, 6, 4, 3],
        };
        Count = samples;
        Regression = regression;
        var rng = new Random(seed);
        Features = new double[samples, Sizes[0]];
        for (int i = 0; i < samples; i++)
            for (int j = 0; j < Sizes[0]; j++) Features[i, j] = 2 * rng.NextDouble() - 1;
        Labels = new int[samples];
        for (int i = 0; i < samples; i++) Labels[i] = i % Sizes[^1];   // every class present
        Targets = new double[samples, Sizes[^1]];
        for (int i = 0; i < samples; i++)
            for (int j = 0; j < Sizes[^1]; j++) Targets[i, j] = 2 * rng.NextDouble() - 1;
        Model = new Mlp(Sizes, activation);
        Parameters = Model.InitializeParameters(seed);
        // Non-zero biases so the bias paths are exercised (He initialisation sets them to 0).
        foreach (MlpLayer layer in Model.Layers)
            for (int i = layer.BiasOffset; i < layer.BiasOffset + layer.OutputSize; i++) Parameters[i] = 0.2 * (2 * rng.NextDouble() - 1);
        Data = regression ? new Dataset(Features, Targets) : new Dataset(Features, Labels);
    }

    public Activation Activation { get; }
    public Loss Loss { get; }
    public int HiddenLayers { get; }
    public int[] Sizes { get; }
    public int Count { get; }
    public bool Regression { get; }
    public double[,] Features { get; }
    public int[] Labels { get; }
    public double[,] Targets { get; }
    public Mlp Model { get; }
    public double[] Parameters { get; }
    public Dataset Data { get; }
    public int Dimension => Model.ParameterCount;

    public MlpObjective Objective(double l1 = 0.0, int maxDegreeOfParallelism = 0) =>
        new(Model, Data, Loss, l1) { MaxDegreeOfParallelism = maxDegreeOfParallelism };

    public double[] Row(int i) => Enumerable.Range(0, Sizes[0]).Select(j => Features[i, j]).ToArray();
    public int Label(int i) => Labels[i];
    public double[]? Target(int i) => Regression ? Enumerable.Range(0, Sizes[^1]).Select(j => Targets[i, j]).ToArray() : null;

    public override string ToString() => $"{Activation}/{Loss}/{HiddenLayers} hidden/N={Count}{(Regression ? "/regression" : "")}";

    /// <summary>Every activation × loss × 1–3 hidden layers (squared error on regression targets).</summary>
    public static IEnumerable<ModelCase> All()
    {
        foreach (Activation a in Enum.GetValues<Activation>())
            foreach (Loss loss in Enum.GetValues<Loss>())
                for (int depth = 1; depth <= 3; depth++)
                    yield return new ModelCase(a, loss, depth, regression: loss == Loss.MeanSquaredError, seed: 10 * depth + (int)a);
    }

    /// <summary>Smooth activations only (tanh, sigmoid).</summary>
    public static IEnumerable<ModelCase> Smooth() => All().Where(c => c.Activation != Activation.Relu);

    public static double[] RandomVector(int n, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
    }

    public static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();
    public static double Norm(double[] a) => Math.Sqrt(Dot(a, a));

    public static double RelativeError(double[] actual, double[] expected) =>
        Norm(actual.Zip(expected, (x, y) => x - y).ToArray()) / Norm(expected);
}
