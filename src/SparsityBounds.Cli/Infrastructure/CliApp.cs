using System.Globalization;
using System.Reflection;
using SparsityBounds.Cli.Demo;
using SparsityBounds.Cli.Estimate;
using SparsityBounds.Cli.Validate;
using Spectre.Console;
using Spectre.Console.Cli;

namespace SparsityBounds.Cli.Infrastructure;

/// <summary>Where the commands write: results to <see cref="Output"/>, errors to <see cref="Error"/> (stderr).</summary>
/// <param name="Output">Standard output (tables, JSON, progress).</param>
/// <param name="Error">Standard error (the one-line error message).</param>
public sealed record CliConsoles(IAnsiConsole Output, IAnsiConsole Error)
{
    /// <summary>
    /// The process consoles. When stdout is redirected, Spectre.Console turns off colours and live displays; the width
    /// is then fixed at 240 columns so tables and command lines are not squeezed to the 80-column default of a pipe.
    /// </summary>
    public static CliConsoles FromSystemConsole()
    {
        var output = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var error = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsOutputRedirected) output.Profile.Width = 240;
        if (Console.IsErrorRedirected) error.Profile.Width = 400;
        return new CliConsoles(output, error);
    }

    /// <summary>True when live progress may be drawn: an interactive terminal.</summary>
    public bool Interactive => Output.Profile.Capabilities.Interactive && Output.Profile.Capabilities.Ansi;
}

/// <summary>The <c>sparsity-bounds</c> command line: command registration, culture, and the error policy.</summary>
public static class CliApp
{
    /// <summary>Exit code of user mistakes: bad options, unreadable or invalid files, invalid values.</summary>
    public const int UserError = 1;

    /// <summary>Exit code of command-line syntax errors (unknown option, missing value).</summary>
    public const int UsageError = 2;

    /// <summary>Exit code of an unexpected failure (a bug: please report).</summary>
    public const int InternalError = 70;

    /// <summary>Exit code after Ctrl+C.</summary>
    public const int Cancelled = 130;

    /// <summary>The tool's version (the assembly's informational version without the source-revision suffix).</summary>
    public static string Version
    {
        get
        {
            string? v = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            return v is null ? "0.0.0" : v.Split('+')[0];
        }
    }

    /// <summary>Parses <paramref name="args"/> and runs the command; never throws for user mistakes.</summary>
    public static Task<int> RunAsync(string[] args, CliConsoles consoles, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(consoles);
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("sparsity-bounds");
            config.SetApplicationVersion(Version);
            config.SetApplicationCulture(CultureInfo.InvariantCulture);
            config.ConfigureConsole(consoles.Output);
            config.CancellationExitCode(Cancelled);
            config.UseStrictParsing();
            config.Settings.Registrar.RegisterInstance(consoles);
            config.AddCommand<DemoCommand>("demo")
                .WithDescription("Train an MLP with LOMP on the embedded digits data, predict how far it can be pruned, prune it for real, compare and plot.")
                .WithExample("demo")
                .WithExample("demo", "--hidden", "64", "--l1", "1e-4", "--output", "results")
                .WithExample("demo", "--json");
            config.AddCommand<EstimateCommand>("estimate")
                .WithDescription("The pruning limit from NumPy files: weights and Hessian eigenvalues (or a dense Hessian), optional prunable mask.")
                .WithExample("estimate", "--weights", "w.npy", "--eigenvalues", "eig.npy", "--epsilon", "0.02")
                .WithExample("estimate", "--weights", "w.npy", "--hessian", "H.npy", "--prunable", "mask.npy", "--epsilon", "0.02", "--json");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("The validation study of docs/validation.md: every predictor against measured one-shot, re-optimised and quadratic-model limits on 12 LOMP-trained digits MLPs × 3 tolerances (about 80 seconds on two cores).")
                .WithExample("validate", "--output", "docs/validation-results.md")
                .WithExample("validate", "--quick");
            config.SetExceptionHandler((exception, _) => ReportError(exception, consoles.Error));
        });
        return app.RunAsync(args, cancellationToken);
    }

    /// <summary>Writes one line to stderr and picks the exit code. Stack traces only for bugs, and only on request.</summary>
    internal static int ReportError(Exception exception, IAnsiConsole error)
    {
        var (code, message) = Describe(exception);
        error.Profile.Width = Math.Max(error.Profile.Width, 400);   // one line, not wrapped
        error.MarkupLine($"[red]error:[/] {Markup.Escape(message)}");
        if (code == InternalError && Environment.GetEnvironmentVariable("SPARSITY_BOUNDS_TRACE") == "1")
            error.WriteLine(exception.ToString());
        return code;
    }

    /// <summary>The exit code and the one-line message for an exception.</summary>
    internal static (int Code, string Message) Describe(Exception exception)
    {
        Exception e = exception is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerException! : exception;
        string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return e switch
        {
            OperationCanceledException => (Cancelled, "cancelled."),
            CommandParseException parse => (UsageError, OneLine(parse.Message) + " (see --help)"),
            CommandRuntimeException runtime => (UsageError, OneLine(runtime.Message) + " (see --help)"),
            CommandAppException app => (UsageError, OneLine(app.Message)),
            Npy.NpyFormatException npy => (UserError, OneLine(npy.Message)),
            ArgumentException argument => (UserError, OneLine(argument.Message)),
            FileNotFoundException notFound => (UserError, $"file not found: {notFound.FileName ?? OneLine(notFound.Message)}"),
            DirectoryNotFoundException directory => (UserError, OneLine(directory.Message)),
            UnauthorizedAccessException access => (UserError, OneLine(access.Message)),
            IOException io => (UserError, OneLine(io.Message)),
            FormatException format => (UserError, OneLine(format.Message)),
            InvalidDataException data => (UserError, OneLine(data.Message)),
            // Documented outcomes of valid calls on unsuitable input (e.g. training diverged: the learning rate is too large).
            InvalidOperationException invalid => (UserError, OneLine(invalid.Message)),
            _ => (InternalError, $"unexpected {e.GetType().Name}: {OneLine(e.Message)} (a bug: please report it; SPARSITY_BOUNDS_TRACE=1 prints the stack trace)"),
        };
    }
}
