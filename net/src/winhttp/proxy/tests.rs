use super::*;

fn named(proxy: &str, bypass: Option<&str>) -> ProxyInfo {
    ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        proxy: Some(to_wide(proxy)),
        bypass: bypass.map(to_wide),
    }
}

#[test]
fn proxy_lists_parse_all_documented_forms() {
    assert_eq!(
        parse_proxy_list("http=p1:8080;https=p2:443"),
        vec![
            ProxyEntry {
                for_scheme: Some("http".into()),
                host: "p1".into(),
                port: 8080
            },
            ProxyEntry {
                for_scheme: Some("https".into()),
                host: "p2".into(),
                port: 443
            },
        ]
    );
    assert_eq!(
        parse_proxy_list(" plain  http://q:3128/ "),
        vec![
            ProxyEntry {
                for_scheme: None,
                host: "plain".into(),
                port: 80
            },
            ProxyEntry {
                for_scheme: None,
                host: "q".into(),
                port: 3128
            },
        ]
    );
    assert_eq!(
        parse_proxy_list("bad:port;:80;;ok:1"),
        vec![ProxyEntry {
            for_scheme: None,
            host: "ok".into(),
            port: 1
        }]
    );
    assert_eq!(parse_proxy_list("p:70000"), vec![]);
    assert_eq!(
        parse_proxy_list("[::1]:3128;[fe80::1]"),
        vec![
            ProxyEntry {
                for_scheme: None,
                host: "[::1]".into(),
                port: 3128
            },
            ProxyEntry {
                for_scheme: None,
                host: "[fe80::1]".into(),
                port: 80
            },
        ]
    );
}

#[test]
fn bypass_rules_follow_wine_domain_matches() {
    assert!(should_bypass("<local>", "intranet", 80));
    assert!(!should_bypass("<local>", "www.example.com", 80));
    assert!(should_bypass("*.a.b", "www.foo.a.b", 80));
    assert!(!should_bypass("*.a.b", "a.b", 80));
    assert!(!should_bypass("*.b.c", "www.ab.c", 80));
    assert!(should_bypass("Example.COM", "example.com", 80));
    assert!(should_bypass("x.org; 10.*", "10.1.2.3", 80));
    assert!(
        should_bypass("x.org 10.*", "10.1.2.3", 80),
        "space separates too"
    );
    assert!(should_bypass("host:8080", "host", 8080));
    assert!(!should_bypass("host:8080", "host", 80));
    assert!(!should_bypass("", "host", 80));
    assert!(!should_bypass(";;", "host", 80));
    assert!(should_bypass("*", "anything", 1));
    // Pathological pattern stays cheap.
    let long = "a".repeat(2000);
    assert!(!should_bypass(&"*a".repeat(500), &(long + "b"), 80));
}

#[test]
fn choose_proxy_by_scheme_and_bypass() {
    let config = named("http=hp:81;https=sp:444;any:82", Some("<local>;*.internal"));
    assert_eq!(
        choose_proxy(&config, "http", "example.com", 80),
        ProxyChoice::Proxy {
            host: "hp".into(),
            port: 81
        }
    );
    assert_eq!(
        choose_proxy(&config, "HTTPS", "example.com", 443),
        ProxyChoice::Proxy {
            host: "sp".into(),
            port: 444
        }
    );
    assert_eq!(
        choose_proxy(&config, "ftp", "example.com", 21),
        ProxyChoice::Proxy {
            host: "any".into(),
            port: 82
        }
    );
    assert_eq!(
        choose_proxy(&config, "http", "localhost", 80),
        ProxyChoice::Direct
    );
    assert_eq!(
        choose_proxy(&config, "http", "db.internal", 80),
        ProxyChoice::Direct
    );
    let only_https = named("https=sp:444", None);
    assert_eq!(
        choose_proxy(&only_https, "http", "example.com", 80),
        ProxyChoice::Direct
    );
    let none = ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NO_PROXY,
        proxy: None,
        bypass: None,
    };
    assert_eq!(
        choose_proxy(&none, "http", "example.com", 80),
        ProxyChoice::Direct
    );
}

#[test]
fn default_configuration_store_and_environment() {
    let no_env = |_: &str| None;
    let mut stored = None;
    assert_eq!(
        get_default_proxy_configuration(stored.as_ref(), &no_env).access_type,
        WINHTTP_ACCESS_TYPE_NO_PROXY
    );
    // Validation of SetDefaultProxyConfiguration.
    let bad = ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NAMED_PROXY,
        proxy: None,
        bypass: None,
    };
    assert_eq!(set_default_proxy_configuration(&mut stored, &bad), Err(87));
    let bad = ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
        proxy: None,
        bypass: None,
    };
    assert_eq!(set_default_proxy_configuration(&mut stored, &bad), Err(87));
    assert_eq!(
        set_default_proxy_configuration(&mut stored, &named("pr\u{f6}xy:1", None)),
        Err(87)
    );
    assert_eq!(
        set_default_proxy_configuration(&mut stored, &named("p:1", Some("b\u{e9}"))),
        Err(87)
    );
    assert_eq!(stored, None);
    assert_eq!(
        set_default_proxy_configuration(&mut stored, &named("p:1", Some("<local>"))),
        Ok(())
    );
    assert_eq!(
        get_default_proxy_configuration(stored.as_ref(), &no_env),
        named("p:1", Some("<local>"))
    );
    // NO_PROXY stored: the environment is consulted, as Wine does when the registry has
    // no named proxy.
    let env = |name: &str| (name == "http_proxy").then(|| "http://envproxy:3128".to_owned());
    let direct = ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NO_PROXY,
        proxy: Some(to_wide("x")),
        bypass: None,
    };
    assert_eq!(
        set_default_proxy_configuration(&mut stored, &direct),
        Ok(())
    );
    assert_eq!(stored.as_ref().and_then(|s| s.proxy.clone()), None);
    assert_eq!(
        get_default_proxy_configuration(stored.as_ref(), &env),
        named("envproxy:3128", None)
    );
    let env = |name: &str| (name == "http_proxy").then(|| "socks5://s:1".to_owned());
    assert_eq!(
        get_default_proxy_configuration(None, &env).access_type,
        WINHTTP_ACCESS_TYPE_NO_PROXY
    );
    let env = |name: &str| (name == "http_proxy").then(|| "plain:8".to_owned());
    assert_eq!(
        get_default_proxy_configuration(None, &env),
        named("plain:8", None)
    );
}

#[test]
fn session_proxy_from_open_arguments() {
    let default = named("d:1", None);
    assert_eq!(
        session_proxy(WINHTTP_ACCESS_TYPE_DEFAULT_PROXY, None, None, &default),
        default
    );
    let p = to_wide("n:2");
    assert_eq!(
        session_proxy(WINHTTP_ACCESS_TYPE_NAMED_PROXY, Some(&p), None, &default),
        named("n:2", None)
    );
    assert_eq!(
        session_proxy(WINHTTP_ACCESS_TYPE_NO_PROXY, Some(&p), None, &default).proxy,
        None
    );
    assert_eq!(
        session_proxy(WINHTTP_ACCESS_TYPE_AUTOMATIC_PROXY, None, None, &default).access_type,
        WINHTTP_ACCESS_TYPE_NO_PROXY
    );
}

#[test]
fn ie_config_defaults_and_environment_extension() {
    let config = ie_proxy_config_for_current_user(None);
    assert!(config.auto_detect);
    assert_eq!(
        (config.proxy, config.bypass, config.auto_config_url),
        (None, None, None)
    );
    assert_eq!(ie_proxy_config_from_environment(&|_| None), None);
    let env = |name: &str| match name {
        "http_proxy" => Some("http://hp:3128/".to_owned()),
        "HTTPS_PROXY" => Some("sp:443".to_owned()),
        "no_proxy" => Some("localhost, .corp.example".to_owned()),
        _ => None,
    };
    let config = ie_proxy_config_from_environment(&env).expect("variables are set");
    assert!(!config.auto_detect);
    assert_eq!(config.proxy, Some(to_wide("http=hp:3128;https=sp:443")));
    assert_eq!(
        config.bypass,
        Some(to_wide("localhost;corp.example;*.corp.example"))
    );
    // The result drives choose_proxy like any named configuration.
    let info = named(
        "http=hp:3128;https=sp:443",
        Some("localhost;corp.example;*.corp.example"),
    );
    assert_eq!(
        choose_proxy(&info, "http", "a.corp.example", 80),
        ProxyChoice::Direct
    );
    assert_eq!(
        choose_proxy(&info, "https", "web", 443),
        ProxyChoice::Proxy {
            host: "sp".into(),
            port: 443
        }
    );
}

#[test]
fn auto_detection_without_sources_gives_the_documented_errors() {
    assert_eq!(detect_auto_proxy_config_url(0, &Unreachable), Err(87));
    assert_eq!(
        detect_auto_proxy_config_url(
            WINHTTP_AUTO_DETECT_TYPE_DHCP | WINHTTP_AUTO_DETECT_TYPE_DNS_A,
            &Unreachable
        ),
        Err(12180)
    );
    let detect = AutoProxyOptions {
        flags: WINHTTP_AUTOPROXY_AUTO_DETECT,
        auto_detect_flags: WINHTTP_AUTO_DETECT_TYPE_DNS_A,
        auto_config_url: None,
    };
    assert_eq!(
        get_proxy_for_url(Some("http://h/"), Some(&detect), &Unreachable),
        Err(12180)
    );
    let config = AutoProxyOptions {
        flags: WINHTTP_AUTOPROXY_CONFIG_URL,
        auto_detect_flags: 0,
        auto_config_url: Some("http://127.0.0.1:1/proxy.pac".into()),
    };
    assert_eq!(
        get_proxy_for_url(Some("http://h/"), Some(&config), &Unreachable),
        Err(12167)
    );
    let both = AutoProxyOptions {
        flags: WINHTTP_AUTOPROXY_AUTO_DETECT | WINHTTP_AUTOPROXY_CONFIG_URL,
        ..config.clone()
    };
    assert_eq!(
        get_proxy_for_url(
            Some("http://h/"),
            Some(&AutoProxyOptions {
                auto_detect_flags: WINHTTP_AUTO_DETECT_TYPE_DHCP,
                ..both
            }),
            &Unreachable
        ),
        Err(12167)
    );
    // Parameter errors.
    assert_eq!(
        get_proxy_for_url(None, Some(&config), &Unreachable),
        Err(87)
    );
    assert_eq!(
        get_proxy_for_url(Some("http://h/"), None, &Unreachable),
        Err(87)
    );
    assert_eq!(
        get_proxy_for_url(
            Some("http://h/"),
            Some(&AutoProxyOptions::default()),
            &Unreachable
        ),
        Err(87)
    );
    let no_detect_flags = AutoProxyOptions {
        flags: WINHTTP_AUTOPROXY_AUTO_DETECT,
        ..AutoProxyOptions::default()
    };
    assert_eq!(
        get_proxy_for_url(Some("http://h/"), Some(&no_detect_flags), &Unreachable),
        Err(87)
    );
    let no_url = AutoProxyOptions {
        flags: WINHTTP_AUTOPROXY_CONFIG_URL,
        ..AutoProxyOptions::default()
    };
    assert_eq!(
        get_proxy_for_url(Some("http://h/"), Some(&no_url), &Unreachable),
        Err(87)
    );
}

struct FakePac;
impl AutoProxySources for FakePac {
    fn dhcp_pac_url(&self) -> Option<String> {
        None
    }
    fn dns_pac_url(&self) -> Option<String> {
        Some("http://wpad/wpad.dat".into())
    }
    fn download_script(&self, url: &str) -> Option<String> {
        (url == "http://wpad/wpad.dat").then(|| "script".into())
    }
    fn run_script(&self, _script: &str, _url: &str, host: &str) -> Option<String> {
        Some(if host == "direct.example" {
            "DIRECT".into()
        } else {
            "PROXY pp:8080; DIRECT".into()
        })
    }
}

#[test]
fn pac_results_are_parsed_like_wine() {
    let detect = AutoProxyOptions {
        flags: WINHTTP_AUTOPROXY_AUTO_DETECT,
        auto_detect_flags: WINHTTP_AUTO_DETECT_TYPE_DNS_A,
        auto_config_url: None,
    };
    assert_eq!(
        detect_auto_proxy_config_url(WINHTTP_AUTO_DETECT_TYPE_DNS_A, &FakePac).as_deref(),
        Ok("http://wpad/wpad.dat")
    );
    assert_eq!(
        detect_auto_proxy_config_url(WINHTTP_AUTO_DETECT_TYPE_DHCP, &FakePac),
        Err(12180)
    );
    assert_eq!(
        get_proxy_for_url(Some("http://x.example/"), Some(&detect), &FakePac),
        Ok(named("pp:8080", None))
    );
    assert_eq!(
        get_proxy_for_url(Some("http://direct.example/"), Some(&detect), &FakePac)
            .map(|i| i.access_type),
        Ok(WINHTTP_ACCESS_TYPE_NO_PROXY)
    );
    assert_eq!(parse_pac_result("  proxy a:1;b:2"), named("a:1", None));
    assert_eq!(
        parse_pac_result("PROXY ").access_type,
        WINHTTP_ACCESS_TYPE_NO_PROXY
    );
    assert_eq!(
        parse_pac_result("SOCKS s:1").access_type,
        WINHTTP_ACCESS_TYPE_NO_PROXY
    );
    assert_eq!(
        parse_pac_result("PRO").access_type,
        WINHTTP_ACCESS_TYPE_NO_PROXY
    );
    assert_eq!(
        parse_pac_result("PROX\u{e9}").access_type,
        WINHTTP_ACCESS_TYPE_NO_PROXY
    );
}

#[test]
fn automatic_proxy_falls_back_from_detection_to_user_then_default_settings() {
    let direct = ProxyInfo {
        access_type: WINHTTP_ACCESS_TYPE_NO_PROXY,
        proxy: None,
        bypass: None,
    };
    let user = IeProxyConfig {
        auto_detect: false,
        auto_config_url: None,
        proxy: Some(to_wide("http=u:8080")),
        bypass: Some(to_wide("<local>")),
    };
    let default = named("d:3128", None);
    // Nothing reachable, nothing configured: direct.
    assert_eq!(automatic_proxy(None, &Unreachable, &direct), direct);
    // The user's static proxy first, with its bypass list.
    assert_eq!(
        automatic_proxy(Some(&user), &Unreachable, &default),
        named("http=u:8080", Some("<local>"))
    );
    // Then the default configuration.
    let detect_only = ie_proxy_config_for_current_user(None);
    assert_eq!(
        automatic_proxy(Some(&detect_only), &Unreachable, &default),
        default
    );
    // A discovered PAC script is left to per-request resolution, which is not done: direct.
    assert_eq!(automatic_proxy(Some(&user), &FakePac, &default), direct);
}
