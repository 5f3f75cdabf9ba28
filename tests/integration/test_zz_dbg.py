import time
from tests.integration.test_bookmarks_browser import *  # noqa

def test_dbg(sign_in_to, new_user, dash_duo):
    user = new_user()
    sign_in_to(user)
    print("cookies before", dash_duo.driver.get_cookies())
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/assets/viewmark/viewmark.css")
    dash_duo.driver.delete_all_cookies()
    print("cookies after", dash_duo.driver.get_cookies())
    dash_duo.driver.get(dash_duo.server.url.rstrip("/") + "/dashboards/restaurant")
    time.sleep(2)
    print("url", dash_duo.driver.current_url)
    print("cookies now", dash_duo.driver.get_cookies())
