using SparsityBounds.Models;

namespace SparsityBounds.Cli.Demo;

/// <summary>When the demo computes the exact Hessian spectrum (D products plus an O(D³) eigendecomposition).</summary>
public enum ExactSpectrumMode
{
    /// <summary>Exact when D ≤ <see cref="DemoOptions.ExactAutoLimit"/>.</summary>
    Auto,
    /// <summary>Always (slow above a few thousand parameters).</summary>
    On,
    /// <summary>Never: stochastic Lanczos quadrature only, Gauss–Newton curvature for the quadratic-model limits.</summary>
    Off,
}

/// <summary>Everything the demo pipeline needs; the command fills it from the command line.</summary>
internal sealed record DemoOptions
{
    /// <summary>Hidden-layer widths. Default one layer of 32: the network [64, 32, 10] has D = 2,410 parameters.</summary>
    public int[] Hidden { get; init; } = [32];

    /// <summary>Hidden activation. Default ReLU.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>LOMP's L1 penalty λ. Default 1e-4 (the top of the paper's range 2e-5 … 1e-4).</summary>
    public double L1Penalty { get; init; } = 1e-4;

    /// <summary>Training epochs. Default 60.</summary>
    public int Epochs { get; init; } = 60;

    /// <summary>Base learning rate; null uses the trainer's default.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Seed of initialisation, shuffles, spectrum probes and the minibatch split for ε.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>ε; null uses the standard deviation of minibatch losses at the trained weights (the reference code's choice).</summary>
    public double? Epsilon { get; init; }

    /// <summary>Multiples of ε also reported (the spectrum is reused: no new Hessian products).</summary>
    public double[] EpsilonScales { get; init; } = [0.1, 1.0, 10.0];

    /// <summary>Exact spectrum policy.</summary>
    public ExactSpectrumMode Exact { get; init; } = ExactSpectrumMode.Auto;

    /// <summary>Largest D for which <see cref="ExactSpectrumMode.Auto"/> computes the exact spectrum. 3,000 (about 30 s here).</summary>
    public int ExactAutoLimit { get; init; } = 3000;

    /// <summary>SLQ probes. Default 4 (<see cref="Pruning.PhaseTransitionOptions.DefaultSpectrum"/>).</summary>
    public int Probes { get; init; } = 4;

    /// <summary>SLQ Lanczos steps per probe. Default 250 (<see cref="Pruning.PhaseTransitionOptions.DefaultSpectrum"/>).</summary>
    public int Steps { get; init; } = 250;

    /// <summary>Kept-fraction grid of the measured pruning curve. Default 51 (steps of 0.02).</summary>
    public int GridPoints { get; init; } = 51;

    /// <summary>L-BFGS iterations per support when re-optimising the kept weights. Default 200.</summary>
    public int RetrainingIterations { get; init; } = 200;

    /// <summary>The training data; null for the embedded digits set.</summary>
    public Dataset? Data { get; init; }

    /// <summary>A name for the data in reports.</summary>
    public string DataName { get; init; } = "digits (embedded, 1,797 samples, 8×8 pixels, 10 classes)";

    /// <summary>Whether the exact path runs for a network with <paramref name="dimension"/> parameters.</summary>
    public bool UsesExactSpectrum(int dimension) => Exact switch
    {
        ExactSpectrumMode.On => true,
        ExactSpectrumMode.Off => false,
        _ => dimension <= ExactAutoLimit,
    };
}
