using SparsityBounds.Cli.Validate;
using SparsityBounds.Models;

namespace SparsityBounds.Cli.Tests.Validate;

public sealed class ValidateCommandTests
{
    [Test]
    public void Markdown_ComputesMeanAbsoluteErrorsPerSetAndTarget()
    {
        var selection = new ValidateCommand.Case("selection", [64, 4, 10], Activation.Relu, 0, 1);
        var heldOut = new ValidateCommand.Case("held-out", [64, 4, 10], Activation.Tanh, 1e-4, 2);
        var rows = new List<ValidateCommand.Row>
        {
            new(selection, 310, 0.01, new Dictionary<string, double> { ["Paper"] = 0.2, ["TrueStatisticalDimension"] = 0.1 }, 0.1, 0.3, 0.5, 0.1, 0.25),
            new(selection, 310, 0.1, new Dictionary<string, double> { ["Paper"] = 0.4, ["TrueStatisticalDimension"] = 0.2 }, 0.3, 0.5, 0.6, 0.2, 0.35),
            new(heldOut, 310, 0.01, new Dictionary<string, double> { ["Paper"] = 0.1, ["TrueStatisticalDimension"] = 0.1 }, 0.0, 0.2, 0.9, 0.3, 0.1),
        };
        string markdown = ValidateCommand.Markdown(rows, TimeSpan.FromMinutes(1));
        // Selection: |0.2 − 0.5| and |0.4 − 0.6| → 0.250 one-shot; |0.2 − 0.1|, |0.4 − 0.2| → 0.150 re-optimised; 0.05, 0.05 → 0.050 quadratic.
        Assert.That(markdown, Does.Contain("| Paper | 0.250 | 0.150 | 0.050 |"));
        // Held-out: 0.8, 0.2, 0.0.
        Assert.That(markdown, Does.Contain("| Paper | 0.800 | 0.200 | 0.000 |"));
        Assert.That(markdown, Does.Contain("the quadratic-model limit in 2/2 cases"));
        Assert.That(markdown, Does.Contain("held-out models (1 cases)"));
        Assert.That(markdown.Split('\n').Count(l => l.StartsWith("| selection |", StringComparison.Ordinal) || l.StartsWith("| held-out |", StringComparison.Ordinal)), Is.EqualTo(3));
    }

    [Test]
    public void Cases_CoverSeveralWidthsActivationsAndPenalties_WithAHeldOutSet()
    {
        var cases = ValidateCommand.Cases(quick: false);
        Assert.That(cases, Has.Count.EqualTo(12));
        Assert.That(cases.Select(c => c.Activation).Distinct().Count(), Is.EqualTo(3));
        Assert.That(cases.Select(c => c.L1).Distinct().Count(), Is.GreaterThanOrEqualTo(3));
        Assert.That(cases.Select(c => string.Join(",", c.Sizes)).Distinct().Count(), Is.GreaterThanOrEqualTo(5));
        Assert.That(cases.Where(c => c.Set == "held-out").Select(c => c.Seed), Is.All.Not.EqualTo(1), "held-out models use another training seed");
        Assert.That(ValidateCommand.Cases(quick: true), Has.Count.EqualTo(2));
    }
}
