//! `vaglio init`: a commented `vaglio.toml` for an entity, Italian first.

/// The template; `{{NAME}}` and `{{DISCLAIMER}}` are filled in by [`template`].
const TEMPLATE: &str = r#"# vaglio.toml: la configurazione di vaglio per {{NAME}}.
# vaglio.toml: vaglio's configuration for {{NAME}}.
#
# vaglio la cerca risalendo dalla cartella controllata (come .editorconfig); --config FILE
# ne sceglie un'altra, --no-config la ignora. Le chiavi sconosciute sono errori.
# Documentazione / docs: docs/workflows.md, docs/rules.md

[entity]
# Il nome dell'ente e gli altri modi in cui i dipendenti lo chiamano: riempiono {entity}
# nelle regole (es. «lavoro al {entity}» fa scattare la richiesta di disclaimer).
name = "{{NAME}}"
aliases = []                       # es. ["Comune", "Municipio"]
# Gli account ufficiali: un file Markdown con `account: …` uguale a uno di questi è
# controllato con il profilo institutional.
accounts = []                      # es. ["facebook.com/comunediesempio", "@ComuneEsempio"]
# Il disclaimer che `vaglio check --fix` aggiunge dove manca (art. 11-ter c. 1: distinguere
# la persona dal ruolo). Riempie anche {disclaimer} nelle regole.
disclaimer = "{{DISCLAIMER}}"
# Recapiti dell'ente (centralino, PEC, partita IVA, IBAN di tesoreria): mai dati personali.
contacts = []                      # es. ["+39 02 1234567", "protocollo@pec.comune.esempio.it"]

[check]
profile = "personal"               # personal | institutional | moderation
# role = "dipendente"              # dipendente | funzionario | dirigente | amministratore | consulente | collaboratore
fail_on = "error"                  # error | warning | info: da quale severità si esce con 1
packs = []                         # pacchetti dell'ente, relativi a questo file: ["regole/ente.toml"]
disable = []                       # regole o categorie spente: ["style/emoji", "political"]
# extensions = ["txt", "md"]       # estensioni controllate nelle cartelle
# baseline = "vaglio-baseline.json" # problemi già accettati (vaglio check --write-baseline FILE)

[confidential]
# Nomi che non devono uscire prima del tempo: progetti, gare, procedimenti in corso.
terms = []                         # es. ["Progetto Aurora", "gara del verde 2026"]

[suppress]
# Il marcatore delle soppressioni: <!-- vaglio-ignore REGOLA: motivo --> in Markdown, o una
# riga che inizia con il marcatore nel testo semplice. Il motivo è obbligatorio.
marker = "vaglio-ignore"

[input]
# Dove sta il testo dei post nei CSV (calendario editoriale) e nei JSON / JSON Lines.
# column = "testo"                 # nome o numero (da 1) della colonna
# field = "text"                   # campo; "post.text" per oggetti annidati

# Impostazioni per percorso (glob relativi a questo file; le ultime vincono).
# Per-path settings (globs relative to this file; later ones win).
# [[override]]
# paths = ["comunicati/**", "*.istituzionale.md"]
# profile = "institutional"
# disable = ["style/emoji"]
#
# [[override]]
# paths = ["commenti/**"]
# profile = "moderation"
"#;

/// The text of a new `vaglio.toml`.
pub fn template(name: Option<&str>) -> String {
    let name = name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or("Comune di Esempio");
    let toml_escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let disclaimer = format!(
        "Le opinioni espresse sono personali e non impegnano {}.",
        with_article(name)
    );
    TEMPLATE
        .replace("{{NAME}}", &toml_escape(name))
        .replace("{{DISCLAIMER}}", &toml_escape(&disclaimer))
}

/// «il Comune di Pero», «la Provincia di Biella», «l'Agenzia…»: enough for the disclaimer.
fn with_article(name: &str) -> String {
    let lower = name.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or("");
    if lower.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("l'{name}")
    } else if first.ends_with('a') || ["regione", "provincia", "città"].contains(&first) {
        format!("la {name}")
    } else {
        format!("il {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_parses_and_names_the_entity() {
        let t = template(Some("Comune di \"Pero\""));
        let cfg = crate::config::Config::parse("vaglio.toml", &t).unwrap();
        assert_eq!(cfg.entity.name.as_deref(), Some("Comune di \"Pero\""));
        assert!(cfg.entity.disclaimer.unwrap().contains("il Comune di"));
        let t = template(None);
        assert!(crate::config::Config::parse("vaglio.toml", &t).is_ok());
        assert_eq!(
            with_article("Provincia di Biella"),
            "la Provincia di Biella"
        );
        assert_eq!(
            with_article("Agenzia delle Entrate"),
            "l'Agenzia delle Entrate"
        );
    }
}
