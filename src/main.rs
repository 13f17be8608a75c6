//! The `signposter` command: parses arguments, runs a command, prints
//! diagnostics and sets the exit code (0 success, 1 site errors, 2 usage).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, CommandFactory, Parser, Subcommand};

use signposter::checks::{self, CheckOptions};
use signposter::date::Date;
use signposter::diagnostics::{Diagnostics, Palette, Verbosity, render_all};
use signposter::progress::{BuildProgress, ProgressStyle};
use signposter::serve::ServeOptions;
use signposter::site::{self, BuildOptions, SiteOptions, plural};

mod allocator;

#[derive(Parser)]
#[command(
    name = "signposter",
    version,
    about = "Build fast, accessible resource websites from Markdown",
    long_about = "signposter turns Markdown files with YAML front matter in content/ into a linked, accessible static website."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Print only errors
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more: the time each build phase took, and how many cores it kept busy
    #[arg(long, short, global = true)]
    verbose: bool,
}

impl Cli {
    fn verbosity(&self) -> Verbosity {
        match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (_, true) => Verbosity::Verbose,
            _ => Verbosity::Normal,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into its output folder (public/ unless set otherwise)
    #[command(
        after_help = "Examples:\n  signposter build\n  signposter build --root my-site --output /tmp/site\n  signposter build --drafts --base-url http://localhost:8000\n\nExit status: 0 when the site was built, 1 when the site has errors (the output folder is then left as it was), 2 for usage errors."
    )]
    Build(BuildArgs),
    /// Build the site into memory, serve it and rebuild on every save
    #[command(
        after_help = "Examples:\n  signposter serve\n  signposter serve --root my-site --port 8000 --open\n  signposter serve --drafts\n\nThe site is served from memory: the output folder is never written. Pages reload by themselves after each save; if a save breaks the site, the last good version stays up and every open page shows the errors until they are fixed."
    )]
    Serve(ServeArgs),
    /// Check the site for broken links, accessibility problems, overdue reviews and more, writing nothing
    #[command(
        after_help = "Examples:\n  signposter check\n  signposter check --format json > check-report.json\n  signposter check --external\n  signposter check --due\n  signposter check --today 2027-01-01\n\nRules are listed with examples in the README. Turn one off for the site in site.yml (check: disable: {rule-id: reason}) or for one page in its front matter, always with a reason.\n\nExit status: 0 when there are no errors (warnings are fine), 1 when there are errors, 2 for usage errors."
    )]
    Check(CheckArgs),
    /// Create a new site, ready to build, in an empty or new folder
    #[command(
        after_help = "Examples:\n  signposter init my-site\n  signposter init my-site --title \"Asylum health resources\" --base-url https://example.org/\n  cd my-site && signposter serve\n\nThe new site has a commented site.yml, one example page of each kind (a support resource, a guidance page with review dates, a research summary), a .gitignore, and workflows that publish to GitHub Pages or GitLab Pages. When run at a terminal without --title or --base-url, init asks for them; otherwise it asks nothing. It never writes into a folder that is not empty."
    )]
    Init(InitArgs),
    /// Print a shell completion script
    #[command(
        after_help = "Examples:\n  signposter completions bash > ~/.local/share/bash-completion/completions/signposter\n  signposter completions zsh > \"${fpath[1]}/_signposter\"\n  signposter completions fish > ~/.config/fish/completions/signposter.fish"
    )]
    Completions {
        /// The shell to complete in
        shell: clap_complete::Shell,
    },
}

#[derive(Args)]
struct InitArgs {
    /// The folder to create the site in; it must be empty or not exist yet
    #[arg(value_name = "DIR", default_value = ".")]
    dir: PathBuf,
    /// The site's name
    #[arg(long, value_name = "TITLE")]
    title: Option<String>,
    /// Where the site will be published, such as https://example.org/
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
}

/// How `check` prints its report.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Args)]
struct CheckArgs {
    /// The site's folder, holding site.yml and content/
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Report as text for people, or as JSON for CI (the shape is in the README)
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also ask other sites whether links to them work (needs the network)
    #[arg(long)]
    external: bool,
    /// Judge review dates as of this day (YYYY-MM-DD) instead of today
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    today: Option<Date>,
    /// List pages by next review date instead: the editor's to-do list
    #[arg(long)]
    due: bool,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
}

fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).map_err(|e| format!("{} (write it as YYYY-MM-DD)", e.message))
}

#[derive(Args)]
struct ServeArgs {
    /// The site's folder, holding site.yml and content/
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Port to listen on (default: 1111, or the next free one; 0 for any free port)
    #[arg(long, short, value_name = "N")]
    port: Option<u16>,
    /// Address to listen on; anything but 127.0.0.1 makes the preview visible to your network
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Open the site in your web browser
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// After every rebuild, also build from scratch and report any difference (slow; for bug reports)
    #[arg(long)]
    verify_incremental: bool,
}

#[derive(Args)]
struct BuildArgs {
    /// The site's folder, holding site.yml and content/
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Where to write the site (relative to --root); default: output_dir in site.yml, else public
    #[arg(long, short, value_name = "DIR", env = "SIGNPOSTER_OUTPUT")]
    output: Option<PathBuf>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    drafts: bool,
    /// Publish under this address instead of site.yml's base_url
    #[arg(long, value_name = "URL", env = "SIGNPOSTER_BASE_URL")]
    base_url: Option<String>,
    /// Build into a non-empty folder that signposter did not create; its files are kept
    #[arg(long)]
    force: bool,
    /// Build everything even when nothing has changed since the last build
    #[arg(long)]
    full: bool,
    /// Show progress: auto shows it once a build runs past a second, as a bar
    /// on a terminal and as plain lines otherwise
    #[arg(long, value_enum, value_name = "WHEN", default_value = "auto")]
    progress: ProgressWhen,
}

/// When `build` shows its progress.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum ProgressWhen {
    Auto,
    Always,
    Never,
}

/// A build that takes longer than this is long enough to show progress for.
const LONG_BUILD: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    let cli = Cli::parse();
    let colour = std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
    let palette = Palette::new(colour);
    let verbosity = cli.verbosity();
    match cli.command {
        Command::Build(args) => build(args, palette, verbosity),
        Command::Serve(args) => serve(args, palette, verbosity),
        Command::Check(args) => check(args, palette, verbosity),
        Command::Init(args) => init(args, verbosity),
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "signposter",
                &mut std::io::stdout(),
            );
            ExitCode::SUCCESS
        }
    }
}

fn init(args: InitArgs, verbosity: Verbosity) -> ExitCode {
    // Ask only a person at a terminal; scripts and CI get the defaults.
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let title = args
        .title
        .unwrap_or_else(|| ask(interactive, "Site title", "Resources for clinicians"));
    let base_url = args.base_url.unwrap_or_else(|| {
        ask(
            interactive,
            "Address it will be published at",
            "https://example.org/",
        )
    });
    let settings = signposter::init::StarterSettings {
        title,
        base_url,
        today: Date::today(),
    };
    match signposter::init::create(&args.dir, &settings) {
        Ok(files) => {
            if verbosity != Verbosity::Quiet {
                println!(
                    "Created a new site in {} with {} files.",
                    args.dir.display(),
                    files.len()
                );
                if verbosity == Verbosity::Verbose {
                    for file in &files {
                        println!("  {}", file.display());
                    }
                }
                println!(
                    "Next: cd {} && signposter serve   (then edit the pages in content/)",
                    args.dir.display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

fn ask(interactive: bool, question: &str, default: &str) -> String {
    if !interactive {
        return default.to_string();
    }
    print!("{question} [{default}]: ");
    let _ = std::io::Write::flush(&mut std::io::stdout());
    let mut answer = String::new();
    match std::io::stdin().read_line(&mut answer) {
        Ok(_) if !answer.trim().is_empty() => answer.trim().to_string(),
        _ => default.to_string(),
    }
}

fn serve(args: ServeArgs, palette: Palette, verbosity: Verbosity) -> ExitCode {
    let options = ServeOptions {
        site: SiteOptions {
            root: args.root,
            drafts: args.drafts,
            base_url: None,
        },
        port: args.port,
        bind: args.bind,
        open: args.open,
        verify: args.verify_incremental,
        verbosity,
    };
    match signposter::serve::serve(options, palette) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(1)
        }
    }
}

fn build(args: BuildArgs, palette: Palette, verbosity: Verbosity) -> ExitCode {
    let show_after = match args.progress {
        _ if verbosity == Verbosity::Quiet => None,
        ProgressWhen::Never => None,
        ProgressWhen::Auto => Some(LONG_BUILD),
        ProgressWhen::Always => Some(Duration::ZERO),
    };
    let progress = show_after.map(|after| {
        BuildProgress::new(
            Box::new(std::io::stdout()),
            ProgressStyle::for_stdout(),
            after,
        )
    });
    let options = BuildOptions {
        site: SiteOptions {
            root: args.root,
            drafts: args.drafts,
            base_url: args.base_url,
        },
        output: args.output,
        force: args.force,
        full: args.full,
        progress: progress.as_ref().map(BuildProgress::observer),
    };
    let built = site::build(&options);
    if let Some(progress) = progress {
        progress.finish();
    }
    match built {
        Ok(report) => {
            if verbosity == Verbosity::Quiet {
                return ExitCode::SUCCESS;
            }
            print_diagnostics(&report.warnings, palette);
            if !report.earlier_warnings.is_empty() {
                eprintln!("{}", report.earlier_warnings);
            }
            if verbosity == Verbosity::Verbose {
                print!("{}", report.timings.table());
            }
            if report.kept > 0 {
                println!(
                    "Kept {} {} in {} that signposter did not write",
                    report.kept,
                    plural(report.kept, "file", "files"),
                    report.output.display()
                );
            }
            println!("{}", report.summary());
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, palette);
            let errors = diagnostics.error_count();
            let warnings = diagnostics.warning_count();
            let mut line = format!(
                "build failed: {errors} {}",
                plural(errors, "error", "errors")
            );
            if warnings > 0 {
                line.push_str(&format!(
                    " and {warnings} {}",
                    plural(warnings, "warning", "warnings")
                ));
            }
            eprintln!("{line}; the output folder was left as it was");
            ExitCode::from(1)
        }
    }
}

fn check(args: CheckArgs, palette: Palette, verbosity: Verbosity) -> ExitCode {
    let options = CheckOptions {
        site: SiteOptions {
            root: args.root,
            drafts: args.drafts,
            base_url: None,
        },
        today: args.today.unwrap_or_else(Date::today),
        external: args.external,
    };
    let report = match checks::run(&options) {
        Ok(report) => report,
        Err(diagnostics) => {
            print_diagnostics(&diagnostics, palette);
            eprintln!("check failed: the site could not be loaded");
            return ExitCode::from(1);
        }
    };
    let printed = match (args.due, args.format) {
        (false, Format::Text) if verbosity == Verbosity::Quiet => {
            let mut errors = Diagnostics::new();
            errors.extend(report.findings.iter().filter(|d| d.is_error()).cloned());
            render_all(&errors, palette)
        }
        (true, Format::Text) => checks::report::due_text(&report),
        (true, Format::Json) => checks::report::due_json(&report),
        (false, Format::Text) => checks::report::text(&report, palette),
        (false, Format::Json) => checks::report::json(&report),
    };
    print!("{printed}");
    if report.has_errors() && !args.due {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_diagnostics(diagnostics: &Diagnostics, palette: Palette) {
    if !diagnostics.is_empty() {
        eprintln!("{}", render_all(diagnostics, palette));
    }
}
