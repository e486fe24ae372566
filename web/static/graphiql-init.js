// Boots Switchyard's GraphiQL page. Kept out of the HTML so the page's CSP can be
// script-src 'self'. Settings arrive as data- attributes on #graphiql.
(function () {
  "use strict";

  var root = document.getElementById("graphiql");
  var endpoint = root.dataset.endpoint;
  var defaultQuery = root.dataset.defaultQuery;

  // Our own fetcher rather than GraphiQL.createFetcher: it asks for the
  // GraphQL-over-HTTP media type first, and it still shows a readable error when
  // something between the browser and the gateway answers with non-JSON.
  function fetcher(graphQLParams, opts) {
    var headers = Object.assign(
      {
        "Content-Type": "application/json",
        Accept: "application/graphql-response+json, application/json",
      },
      (opts && opts.headers) || {},
    );
    return fetch(endpoint, {
      method: "POST",
      headers: headers,
      body: JSON.stringify(graphQLParams),
      credentials: "same-origin",
    }).then(function (response) {
      return response.text().then(function (text) {
        try {
          return JSON.parse(text);
        } catch (err) {
          return {
            errors: [
              {
                message:
                  "HTTP " + response.status + " " + response.statusText +
                  ": the response is not JSON",
                extensions: { body: text.slice(0, 2000) },
              },
            ],
          };
        }
      });
    });
  }

  var explorer = GraphiQLPluginExplorer.explorerPlugin();

  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      // Headers may hold API keys: keep them out of localStorage.
      shouldPersistHeaders: false,
      inputValueDeprecation: true,
    }),
  );
})();
