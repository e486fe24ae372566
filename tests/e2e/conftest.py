from tests.support.browser import browser_session as browser_session
